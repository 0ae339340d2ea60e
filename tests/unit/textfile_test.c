#include "unit.h"

#include "err.h"
#include "textfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_tmpdir(char *dir, size_t len)
{
	const char *base = getenv("TMPDIR");

	snprintf(dir, len, "%s/textfile_test.XXXXXX", base != NULL && base[0] != '\0' ? base : "/tmp");
	assert_non_null(mkdtemp(dir));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The names in dir (without . and ..), joined by ' ' in readdir order; at most one expected. */
static int entries(const char *dir, char *names, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	names[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		strncat(names, de->d_name, len - strlen(names) - 2);
		strncat(names, " ", len - strlen(names) - 1);
	}
	closedir(d);
	return n;
}

static void content_lands_with_mode_0644_in_a_created_directory(void **state)
{
	static const char first[] = "# HELP x_a A.\n# TYPE x_a gauge\nx_a 1\n";
	static const char second[] = "x_a 2\n";
	char top[256], dir[320], path[400], names[512];
	struct stat st, st2;
	struct err e;
	mode_t old_umask;
	char *got;
	int rc;

	(void)state;
	make_tmpdir(top, sizeof top);
	snprintf(dir, sizeof dir, "%s/var/metrics", top); /* two levels missing */
	snprintf(path, sizeof path, "%s/x.prom", dir);

	old_umask = umask(077);
	err_clear(&e);
	rc = textfile_write(dir, "x.prom", first, strlen(first), &e);
	umask(old_umask);
	assert_int_equal(rc, 0);
	got = slurp(path);
	assert_string_equal(got, first);
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644); /* whatever the umask said */
	assert_int_equal(stat(dir, &st2), 0);
	assert_true(S_ISDIR(st2.st_mode));
	assert_int_equal(entries(dir, names, sizeof names), 1); /* no temporary file left */
	assert_string_equal(names, "x.prom ");

	/* A second write replaces the file by rename: a new inode, the new content, alone. */
	assert_int_equal(textfile_write(dir, "x.prom", second, strlen(second), &e), 0);
	got = slurp(path);
	assert_string_equal(got, second);
	free(got);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st2.st_ino != st.st_ino);
	assert_int_equal(entries(dir, names, sizeof names), 1);

	/* An empty file is a valid textfile too. */
	assert_int_equal(textfile_write(dir, "x.prom", "", 0, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	snprintf(dir, sizeof dir, "%s/var", top);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rmdir(top), 0);
}

static void a_failed_write_leaves_the_old_file_intact(void **state)
{
	static const char old[] = "x_a 1\n";
	char dir[256], path[320], names[512], big[4096];
	struct rlimit saved, tiny;
	struct err e;
	char *got;
	int rc;
	void (*prev)(int);

	(void)state;
	make_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/x.prom", dir);
	assert_int_equal(textfile_write(dir, "x.prom", old, strlen(old), &e), 0);

	/* The disk "fills up" in the middle of the write: files may not grow past 16 bytes. */
	memset(big, '#', sizeof big);
	big[sizeof big - 1] = '\n';
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	tiny = saved;
	tiny.rlim_cur = 16;
	prev = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	err_clear(&e);
	rc = textfile_write(dir, "x.prom", big, sizeof big, &e);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, prev);

	assert_int_equal(rc, ERR_IO);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "write "));
	assert_non_null(strstr(e.msg, dir));
	assert_non_null(strstr(e.msg, strerror(EFBIG)));
	got = slurp(path);
	assert_string_equal(got, old);
	free(got);
	assert_int_equal(entries(dir, names, sizeof names), 1); /* the temporary file went */
	assert_string_equal(names, "x.prom ");

	/* The last step fails (the name is taken by a directory): nothing is left behind. */
	{
		char sub[340];

		snprintf(sub, sizeof sub, "%s/busy.prom", dir);
		assert_int_equal(mkdir(sub, 0755), 0);
		err_clear(&e);
		assert_int_equal(textfile_write(dir, "busy.prom", old, strlen(old), &e), ERR_IO);
		assert_non_null(strstr(e.msg, "rename"));
		assert_non_null(strstr(e.msg, "busy.prom"));
		assert_int_equal(entries(dir, names, sizeof names), 2);
		assert_int_equal(rmdir(sub), 0);
	}
	got = slurp(path);
	assert_string_equal(got, old);
	free(got);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void bad_arguments_are_refused_before_touching_anything(void **state)
{
	static const char *const bad[] = { "x.txt", "x.prom.tmp", ".prom", ".x.prom", "", "a/b.prom",
					   "../x.prom", "x.PROM", "x.prom/" };
	char dir[256], file[320], under[340], names[512], longname[300];
	struct err e;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		assert_int_equal(textfile_write(dir, bad[i], "x 1\n", 4, &e), ERR_INVALID);
		assert_non_null(strstr(e.msg, "STEM.prom"));
	}
	memset(longname, 'a', sizeof longname);
	memcpy(longname + 250, ".prom", 6);
	assert_int_equal(textfile_write(dir, longname, "x 1\n", 4, &e), ERR_INVALID);
	assert_int_equal(textfile_write(dir, NULL, "x 1\n", 4, &e), ERR_INVALID);
	assert_int_equal(textfile_write(NULL, "x.prom", "x 1\n", 4, &e), ERR_INVALID);
	assert_int_equal(textfile_write("", "x.prom", "x 1\n", 4, NULL), ERR_INVALID);
	assert_int_equal(textfile_write(dir, "x.prom", NULL, 4, &e), ERR_INVALID);
	/* Over the bound: refused before anything is created (data is never read). */
	err_clear(&e);
	assert_int_equal(textfile_write(dir, "x.prom", "x", TEXTFILE_MAX_BYTES + 1, &e), ERR_LIMIT);
	assert_non_null(strstr(e.msg, "bytes"));
	assert_int_equal(entries(dir, names, sizeof names), 0);

	/* The directory's place is taken by a file: a clear message, nothing written. */
	snprintf(file, sizeof file, "%s/plain", dir);
	fclose(fopen(file, "w"));
	err_clear(&e);
	assert_int_equal(textfile_write(file, "x.prom", "x 1\n", 4, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "is not a directory"));
	snprintf(under, sizeof under, "%s/sub", file);
	err_clear(&e);
	assert_int_equal(textfile_write(under, "x.prom", "x 1\n", 4, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "plain"));
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void read_gives_back_what_was_written(void **state)
{
	static const char text[] = "a 1\nb 2\n";
	char dir[256], path[320];
	struct err e;
	char *got = NULL;
	size_t len = 99;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	err_clear(&e);
	assert_int_equal(textfile_read(dir, "x.prom", &got, &len, &e), ERR_NOTFOUND);
	assert_null(got);
	assert_int_equal(len, 0);
	assert_int_equal(textfile_write(dir, "x.prom", text, strlen(text), &e), 0);
	assert_int_equal(textfile_read(dir, "x.prom", &got, &len, &e), 0);
	assert_string_equal(got, text);
	assert_int_equal(len, strlen(text));
	free(got);
	assert_int_equal(textfile_read(dir, "x.txt", &got, NULL, &e), ERR_INVALID);
	snprintf(path, sizeof path, "%s/x.prom", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(content_lands_with_mode_0644_in_a_created_directory),
	cmocka_unit_test(a_failed_write_leaves_the_old_file_intact),
	cmocka_unit_test(bad_arguments_are_refused_before_touching_anything),
	cmocka_unit_test(read_gives_back_what_was_written),
};

UNIT_MAIN(tests)
