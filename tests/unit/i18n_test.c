#include "unit.h"

#include "err.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- i18n_parse ---- */

struct table {
	char **keys;
	char **texts;
	size_t n;
};

static int parse(const char *text, struct table *t, struct err *e)
{
	err_clear(e);
	return i18n_parse(text, strlen(text), &t->keys, &t->texts, &t->n, e);
}

static void parse_valid_table(void **state)
{
	(void)state;
	struct table t;
	struct err e;
	const char *text = "# UI strings, English\n"
			   "\n"
			   "nav_devices\tDevices\n"
			   "# another comment\twith a tab\n"
			   "app_title\tInfraScope\r\n"
			   "\r\n"
			   "err_2\tSomething went wrong: \"%s\" = 100%\n"
			   "b\tтонер ≥ 10 %\n"
			   "last_line_no_newline\tEnd";

	assert_int_equal(parse(text, &t, &e), 0);
	assert_int_equal(t.n, 5);
	/* sorted by key (bytewise) */
	assert_string_equal(t.keys[0], "app_title");
	assert_string_equal(t.keys[1], "b");
	assert_string_equal(t.keys[2], "err_2");
	assert_string_equal(t.keys[3], "last_line_no_newline");
	assert_string_equal(t.keys[4], "nav_devices");
	for (size_t i = 1; i < t.n; i++)
		assert_true(strcmp(t.keys[i - 1], t.keys[i]) < 0);
	/* texts follow their keys; CR of CRLF is not part of the text */
	assert_string_equal(t.texts[0], "InfraScope");
	assert_string_equal(t.texts[1], "тонер ≥ 10 %");
	assert_string_equal(t.texts[2], "Something went wrong: \"%s\" = 100%");
	assert_string_equal(t.texts[3], "End");
	assert_string_equal(t.texts[4], "Devices");
	/* parallel arrays end with NULL */
	assert_null(t.keys[t.n]);
	assert_null(t.texts[t.n]);
	i18n_table_free(t.keys, t.texts, t.n);
}

static void parse_empty_and_comment_only(void **state)
{
	(void)state;
	struct table t;
	struct err e;

	assert_int_equal(parse("", &t, &e), 0);
	assert_int_equal(t.n, 0);
	i18n_table_free(t.keys, t.texts, t.n);
	assert_int_equal(parse("# nothing\n\n\r\n#\n", &t, &e), 0);
	assert_int_equal(t.n, 0);
	i18n_table_free(t.keys, t.texts, t.n);
}

static void assert_parse_fails(const char *text, const char *needle)
{
	struct table t = { (char **)&t, (char **)&t, 99 };
	struct err e;
	int rc = parse(text, &t, &e);

	if (rc == 0) {
		i18n_table_free(t.keys, t.texts, t.n);
		fail_msg("accepted: [%s]", text);
	}
	assert_int_equal(rc, ERR_INVALID);
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(t.keys);
	assert_null(t.texts);
	assert_int_equal(t.n, 0);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("[%s]: message \"%s\" lacks \"%s\"", text, e.msg, needle);
}

static void parse_rejects_bad_lines(void **state)
{
	(void)state;
	char long_key[80], long_text[I18N_MAX_TEXT + 16];

	assert_parse_fails("ok\tfine\nno_tab_here\n", "line 2");
	assert_parse_fails("ok\tfine\nkey with space\ttext\n", "line 2");
	assert_parse_fails("Upper\ttext\n", "line 1");
	assert_parse_fails("a-b\ttext\n", "line 1");
	assert_parse_fails("a.b\ttext\n", "line 1");
	assert_parse_fails("\ttext without key\n", "line 1");
	assert_parse_fails(" indented\ttext\n", "line 1");
	assert_parse_fails("ключ\ttext\n", "line 1");
	assert_parse_fails("# c\n\nempty_text\t\n", "line 3");
	assert_parse_fails("empty_text\t\r\n", "line 1");
	assert_parse_fails("two\ttabs\there\n", "line 1");
	assert_parse_fails("a\tone\nb\ttwo\na\tthree\n", "\"a\"");
	assert_parse_fails("dup\tx\r\ndup\tx\r\n", "dup");

	/* keys are at most 64 bytes, texts at most I18N_MAX_TEXT */
	memset(long_key, 'k', 65);
	snprintf(long_key + 65, sizeof long_key - 65, "\tt\n");
	assert_parse_fails(long_key, "line 1");
	memset(long_text, 'x', sizeof long_text);
	memcpy(long_text, "k\t", 2);
	long_text[2 + I18N_MAX_TEXT + 1] = '\n';
	long_text[2 + I18N_MAX_TEXT + 2] = '\0';
	assert_parse_fails(long_text, "line 1");
	{
		struct table t;
		struct err e;

		long_text[2 + I18N_MAX_TEXT] = '\n';
		long_text[2 + I18N_MAX_TEXT + 1] = '\0';
		assert_int_equal(parse(long_text, &t, &e), 0); /* exactly I18N_MAX_TEXT is fine */
		assert_int_equal(strlen(t.texts[0]), I18N_MAX_TEXT);
		i18n_table_free(t.keys, t.texts, t.n);
		memset(long_key, 'k', 64);
		snprintf(long_key + 64, sizeof long_key - 64, "\tt\n");
		assert_int_equal(parse(long_key, &t, &e), 0); /* and a 64-byte key */
		i18n_table_free(t.keys, t.texts, t.n);
	}
}

static void parse_reads_only_len_bytes(void **state)
{
	(void)state;
	const char *text = "a\tone\nb\ttwo\n";
	char **keys, **texts;
	size_t n;
	struct err e;

	assert_int_equal(i18n_parse(text, 6, &keys, &texts, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(texts[0], "one");
	i18n_table_free(keys, texts, n);
}

/* ---- i18n_load on a temporary directory ---- */

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *name)
{
	char path[128];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	unlink(path);
}

static int dir_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/i18n_test.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int dir_teardown(void **state)
{
	(void)state;
	i18n_unload();
	remove_file("ru.tsv");
	remove_file("en.tsv");
	return rmdir(tmpdir);
}

static const char ru_tsv[] = "# Русский\n"
			     "nav_devices\tУстройства\n"
			     "app_title\tИнфраСкоп\n"
			     "greeting\tЗдравствуйте\n";
static const char en_tsv[] = "greeting\tHello\r\n"
			     "app_title\tInfraScope\r\n"
			     "nav_devices\tDevices\r\n";

static void languages_and_support(void **state)
{
	(void)state;
	size_t n = 0;
	const char *const *langs = i18n_languages(&n);

	assert_int_equal(n, 2);
	assert_string_equal(langs[0], "ru"); /* the default comes first */
	assert_string_equal(langs[1], "en");
	assert_true(i18n_supported("ru"));
	assert_true(i18n_supported("en"));
	assert_false(i18n_supported("de"));
	assert_false(i18n_supported("EN"));
	assert_false(i18n_supported(""));
	assert_false(i18n_supported(NULL));
}

static void load_success_and_lookup(void **state)
{
	(void)state;
	struct err e;

	write_file("ru.tsv", ru_tsv);
	write_file("en.tsv", en_tsv);
	err_clear(&e);
	if (i18n_load(tmpdir, &e) != 0)
		fail_msg("load failed: %s", e.msg);
	assert_int_equal(i18n_count(), 3);
	assert_string_equal(i18n_key(0), "app_title");
	assert_string_equal(i18n_key(1), "greeting");
	assert_string_equal(i18n_key(2), "nav_devices");
	assert_string_equal(i18n_key(3), "");

	assert_string_equal(i18n_text("ru", "greeting"), "Здравствуйте");
	assert_string_equal(i18n_text("en", "greeting"), "Hello");
	assert_string_equal(i18n_text("en", "app_title"), "InfraScope");
	assert_string_equal(i18n_text("ru", "nav_devices"), "Устройства");
	assert_string_equal(i18n_text_at("en", 2), "Devices");
	assert_string_equal(i18n_text_at("ru", 0), "ИнфраСкоп");
	assert_string_equal(i18n_text_at("en", 3), "");
}

static void text_falls_back(void **state)
{
	(void)state;
	struct err e;

	write_file("ru.tsv", ru_tsv);
	write_file("en.tsv", en_tsv);
	assert_int_equal(i18n_load(tmpdir, &e), 0);

	/* An unknown key shows itself (never NULL, never blank). */
	assert_string_equal(i18n_text("en", "no_such_key"), "no_such_key");
	assert_string_equal(i18n_text("ru", "zzz"), "zzz");
	assert_string_equal(i18n_text("ru", "a"), "a");
	assert_string_equal(i18n_text("en", ""), "");
	/* An unknown language uses the default (Russian). */
	assert_string_equal(i18n_text("de", "greeting"), "Здравствуйте");
	assert_string_equal(i18n_text("EN", "greeting"), "Здравствуйте");
	assert_string_equal(i18n_text(NULL, "greeting"), "Здравствуйте");
	assert_string_equal(i18n_text_at("fr", 1), "Здравствуйте");
	assert_string_equal(i18n_text("de", "no_such_key"), "no_such_key");
}

static void load_fails_naming_the_extra_key(void **state)
{
	(void)state;
	struct err e;

	/* en.tsv has a key ru.tsv lacks */
	write_file("ru.tsv", ru_tsv);
	write_file("en.tsv", "greeting\tHello\napp_title\tInfraScope\nnav_devices\tDevices\n"
			     "nav_alerts\tAlerts\n");
	err_clear(&e);
	assert_int_equal(i18n_load(tmpdir, &e), ERR_INVALID);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"nav_alerts\""));
	assert_non_null(strstr(e.msg, "en.tsv"));
	assert_non_null(strstr(e.msg, "ru.tsv"));
	/* nothing stays loaded after a failure */
	assert_int_equal(i18n_count(), 0);
	assert_string_equal(i18n_text("en", "greeting"), "greeting");

	/* ru.tsv has a key en.tsv lacks (sorting last, so the walk reaches the end of en) */
	write_file("ru.tsv", "zz_last\tпоследний\ngreeting\tЗдравствуйте\n");
	write_file("en.tsv", "greeting\tHello\n");
	err_clear(&e);
	assert_int_equal(i18n_load(tmpdir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"zz_last\""));
	assert_non_null(strstr(e.msg, "is in ru.tsv but not in en.tsv"));

	/* one key swapped for another: the first difference is named */
	write_file("ru.tsv", "a\tа\nb\tб\n");
	write_file("en.tsv", "a\ta\nc\tc\n");
	err_clear(&e);
	assert_int_equal(i18n_load(tmpdir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"b\""));
}

static void load_reports_parse_and_io_errors(void **state)
{
	(void)state;
	struct err e;

	write_file("ru.tsv", ru_tsv);
	write_file("en.tsv", "greeting\tHello\nbroken line\n");
	err_clear(&e);
	assert_int_equal(i18n_load(tmpdir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "en.tsv"));
	assert_non_null(strstr(e.msg, "line 2"));

	remove_file("en.tsv");
	err_clear(&e);
	assert_int_equal(i18n_load(tmpdir, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "en.tsv"));
	assert_int_equal(i18n_count(), 0);
	assert_int_equal(i18n_load(tmpdir, NULL), ERR_IO);

	/* a successful load after failures works, and a reload replaces the tables */
	write_file("en.tsv", en_tsv);
	assert_int_equal(i18n_load(tmpdir, &e), 0);
	assert_int_equal(i18n_count(), 3);
	write_file("ru.tsv", "only\tодин\n");
	write_file("en.tsv", "only\tone\n");
	assert_int_equal(i18n_load(tmpdir, &e), 0);
	assert_int_equal(i18n_count(), 1);
	assert_string_equal(i18n_text("en", "only"), "one");
	assert_string_equal(i18n_text("en", "greeting"), "greeting");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_valid_table),
	cmocka_unit_test(parse_empty_and_comment_only),
	cmocka_unit_test(parse_rejects_bad_lines),
	cmocka_unit_test(parse_reads_only_len_bytes),
	cmocka_unit_test(languages_and_support),
	cmocka_unit_test_setup_teardown(load_success_and_lookup, dir_setup, dir_teardown),
	cmocka_unit_test_setup_teardown(text_falls_back, dir_setup, dir_teardown),
	cmocka_unit_test_setup_teardown(load_fails_naming_the_extra_key, dir_setup, dir_teardown),
	cmocka_unit_test_setup_teardown(load_reports_parse_and_io_errors, dir_setup, dir_teardown),
};

UNIT_MAIN(tests)
