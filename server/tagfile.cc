/*
 * tagfile: the only C++ of as. TagLib 1.13's C API has neither album
 * artist nor disc number nor a WAV file's RIFF INFO tags; its C++ API has
 * all three (the property map, RIFF::WAV::File::InfoTag). Nothing here
 * lets an exception out: a C caller gets -1.
 */
#include "tagfile.h"

#include <cstdlib>
#include <cstring>

#include <taglib/fileref.h>
#include <taglib/infotag.h>
#include <taglib/opusfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/wavfile.h>

namespace
{

/* The first value of key in m, malloc'd; NULL when absent or empty. */
char *
first_value(const TagLib::PropertyMap &m, const char *key)
{
	auto it = m.find(key);

	if (it == m.end() || it->second.isEmpty())
		return nullptr;
	const std::string s = it->second.front().to8Bit(true);
	return s.empty() ? nullptr : strdup(s.c_str());
}

/* Fill keys missing from m with those of extra. */
void
merge_missing(TagLib::PropertyMap &m, const TagLib::PropertyMap &extra)
{
	for (const auto &kv : extra) {
		if (!m.contains(kv.first) || m[kv.first].isEmpty())
			m.replace(kv.first, kv.second);
	}
}

/* The file at path, by extension; audio/ogg names also as Ogg Opus. A
 * null FileRef when TagLib cannot read it. */
TagLib::FileRef
open_file(const char *path, bool maybe_opus)
{
	const auto style = TagLib::AudioProperties::Average;
	TagLib::FileRef ref(path, true, style);

	if (!ref.isNull() || !maybe_opus)
		return ref;
	return TagLib::FileRef(new TagLib::Ogg::Opus::File(path, true, style));
}

void
fill(TagLib::File &f, struct tagfile *tf)
{
	TagLib::PropertyMap m = f.properties();
	auto *wav = dynamic_cast<TagLib::RIFF::WAV::File *>(&f);

	if (wav != nullptr && wav->hasInfoTag())
		merge_missing(m, wav->InfoTag()->properties());
	tf->title = first_value(m, "TITLE");
	tf->artist = first_value(m, "ARTIST");
	tf->album_artist = first_value(m, "ALBUMARTIST");
	tf->album = first_value(m, "ALBUM");
	tf->genre = first_value(m, "GENRE");
	tf->date = first_value(m, "DATE");
	tf->track = first_value(m, "TRACKNUMBER");
	tf->disc = first_value(m, "DISCNUMBER");
	const TagLib::AudioProperties *ap = f.audioProperties();
	if (ap != nullptr && ap->lengthInMilliseconds() > 0)
		tf->duration_ms = ap->lengthInMilliseconds();
}

} // namespace

extern "C" int
tagfile_read(const char *path, bool maybe_opus, struct tagfile *tf)
{
	std::memset(tf, 0, sizeof *tf);
	tf->duration_ms = -1;
	try {
		TagLib::FileRef ref = open_file(path, maybe_opus);

		if (ref.isNull())
			return -1;
		fill(*ref.file(), tf);
		return 0;
	} catch (...) {
		tagfile_clear(tf);
		return -1;
	}
}

extern "C" void
tagfile_clear(struct tagfile *tf)
{
	std::free(tf->title);
	std::free(tf->artist);
	std::free(tf->album_artist);
	std::free(tf->album);
	std::free(tf->genre);
	std::free(tf->date);
	std::free(tf->track);
	std::free(tf->disc);
	std::memset(tf, 0, sizeof *tf);
	tf->duration_ms = -1;
}
