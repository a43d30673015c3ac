/*
 * replay: a main() for the fuzz targets, so that each is also built with
 * the ordinary compiler (no libFuzzer) and `make check` runs its seed
 * corpus through it (tests/fuzz-replay.sh).
 *
 *     fuzz_x_replay FILE|FOLDER...
 *
 * Each FILE, and each regular file of each FOLDER whose name does not
 * start with '.' (in name order), is handed once to LLVMFuzzerTestOneInput
 * in a buffer of exactly its size, as libFuzzer does, so that the sanitizer
 * build sees a read past its end. A target that finds a fault aborts;
 * otherwise the exit status is 0 when every input was read and there was
 * at least one, and "replayed N inputs" is printed.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Larger than any seed: libFuzzer's own default -max_len is 4096. */
#define REPLAY_INPUT_MAX (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Run the target on the whole of path. 0, or -1 after saying why. */
static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *exact = NULL;
	size_t n;
	int rc = -1;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(REPLAY_INPUT_MAX + 1);
	if (buf == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		goto out;
	}
	n = fread(buf, 1, REPLAY_INPUT_MAX + 1, f);
	if (ferror(f) || n > REPLAY_INPUT_MAX) {
		fprintf(stderr, "replay: %s: %s\n", path,
			ferror(f) ? "read error"
				  : "over REPLAY_INPUT_MAX bytes");
		goto out;
	}
	exact = malloc(n); /* malloc(0) too: a pointer with nothing to read */
	if (exact == NULL && n > 0) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		goto out;
	}
	if (n > 0)
		memcpy(exact, buf, n);
	(void)LLVMFuzzerTestOneInput(exact, n);
	rc = 0;
out:
	free(exact);
	free(buf);
	fclose(f);
	return rc;
}

/* scandir filter: names that do not start with '.'. */
static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Run every regular file of folder dir, in name order; *count grows by
 * the number run. 0, or -1 after saying why (the rest is still run).
 */
static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent **names = NULL;
	char path[PATH_MAX];
	struct stat st;
	int n, i, len, rc = 0;

	n = scandir(dir, &names, visible, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(path, sizeof path, "%s/%s", dir,
			       names[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof path) {
			fprintf(stderr, "replay: %s/%s: path too long\n", dir,
				names[i]->d_name);
			rc = -1;
		} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) == 0)
				(*count)++;
			else
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) != 0)
				rc = 1;
		} else if (replay_file(argv[i]) == 0) {
			count++;
		} else {
			rc = 1;
		}
	}
	if (count == 0) {
		fprintf(stderr, "replay: no input to replay\n");
		rc = 1;
	}
	printf("replayed %zu inputs\n", count);
	return rc;
}
