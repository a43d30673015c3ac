// tests/rest/client.mjs URL USER PASSWORD SONG_FILE COVER_FILE: a Subsonic
// client we did not write (npm's subsonic-api, token authentication with
// a random salt, f=json) drives as_server: ping, getArtists, getAlbum,
// search3, star, getStarred2, createPlaylist, stream, getCoverArt (the
// album's COVER_FILE, and scaled); once with GET and once with form POST
// (OpenSubsonic formPost). Prints "0 NAME" / "1 NAME" lines.
// SUBSONIC_API is the installed package's folder.
import { readFileSync } from "node:fs";

const [url, username, password, songFile, coverFile] =
	process.argv.slice(2);
const { SubsonicAPI } = await import(
	process.env.SUBSONIC_API + "/lib/index.js"
);

function result(ok, name, detail) {
	console.log(`${ok ? 0 : 1} ${name}`);
	if (!ok && detail !== undefined)
		console.log(`#   ${JSON.stringify(detail).slice(0, 400)}`);
}

async function check(name, fn) {
	try {
		await fn();
	} catch (e) {
		result(false, `${name}: ${e}`);
	}
}

// [width, height] of a JPEG (its first SOFn segment), or null.
function jpegSize(b) {
	if (b[0] !== 0xff || b[1] !== 0xd8)
		return null;
	for (let i = 2; i + 9 < b.length; i += 2 + b.readUInt16BE(i + 2)) {
		if (b[i] !== 0xff)
			return null;
		if (b[i + 1] >= 0xc0 && b[i + 1] <= 0xc2)
			return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
	}
	return null;
}

async function run(post) {
	const how = post ? "POST" : "GET";
	const api = new SubsonicAPI({ url, auth: { username, password }, post });
	let album, song;

	await check(`${how} ping`, async () => {
		const r = await api.ping();
		result(r.status === "ok" && r.openSubsonic === true,
			`${how} ping`, r);
	});
	await check(`${how} getArtists`, async () => {
		const r = await api.getArtists();
		const names = r.artists.index.flatMap((i) =>
			i.artist.map((a) => a.name));
		result(names.includes("Alpha Band"), `${how} getArtists`, names);
	});
	await check(`${how} search3`, async () => {
		const r = await api.search3({ query: "Dawn" });
		song = r.searchResult3.song[0];
		album = song.albumId;
		result(song.title === "Dawn" && typeof song.duration === "number",
			`${how} search3`, r.searchResult3);
	});
	await check(`${how} getAlbum`, async () => {
		const r = await api.getAlbum({ id: album });
		result(r.album.name === "First Light" && r.album.song.length === 2,
			`${how} getAlbum`, r.album);
	});
	await check(`${how} star`, async () => {
		const r = await api.star({ id: song.id });
		result(r.status === "ok", `${how} star`, r);
	});
	await check(`${how} getStarred2`, async () => {
		const r = await api.getStarred2();
		result(r.starred2.song.some((s) => s.id === song.id),
			`${how} getStarred2`, r.starred2);
	});
	await check(`${how} createPlaylist`, async () => {
		const r = await api.createPlaylist({
			name: `From ${how}`,
			songId: [song.id],
		});
		result(r.playlist.songCount === 1 &&
			r.playlist.entry[0].id === song.id,
			`${how} createPlaylist`, r.playlist);
	});
	await check(`${how} stream`, async () => {
		const r = await api.stream({ id: song.id });
		const got = Buffer.from(await r.arrayBuffer());
		result(r.status === 200 && got.equals(readFileSync(songFile)),
			`${how} stream gives the file's bytes`, got.length);
	});
	await check(`${how} getCoverArt`, async () => {
		const r = await api.getCoverArt({ id: album });
		const got = Buffer.from(await r.arrayBuffer());
		result(r.status === 200 && got.equals(readFileSync(coverFile)),
			`${how} getCoverArt of the album gives its cover's bytes`,
			[r.status, got.length]);
	});
	await check(`${how} getCoverArt size`, async () => {
		const r = await api.getCoverArt({ id: song.coverArt, size: 60 });
		const got = Buffer.from(await r.arrayBuffer());
		const dims = jpegSize(got);
		result(r.status === 200 &&
			r.headers.get("content-type") === "image/jpeg" &&
			dims && dims[0] === 60 && dims[1] === 45,
			`${how} getCoverArt size=60 gives a 60x45 JPEG`,
			[r.status, r.headers.get("content-type"), dims]);
	});
	await check(`${how} wrong password`, async () => {
		const bad = new SubsonicAPI({
			url,
			auth: { username, password: "not-it" },
			post,
		});
		const r = await bad.ping();
		result(r.status === "failed" && r.error.code === 40,
			`${how} a wrong password gets error 40`, r);
	});
}

await run(false);
await run(true);
