#include "unit.h"

#include "err.h"
#include "stores.h"

#include <stdio.h>
#include <string.h>

/*
 * The rules of a store's fields. store_code_check must agree with the CHECK on stores.code
 * (sql/0001_inventory.sql): ^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё._-]{0,31}$;
 * tests/integration/stores.sh asks PostgreSQL about the same cases.
 */
static const char *const good_codes[] = {
	"MSK-014", "msk-014", "МСК-014", "мск.014", "S", "7", "Ё", "ё-1", "A_B.C-D",
	"СПБ_Невский-2", "0123456789abcdefghijABCDEFGHIJ_-", /* 32 characters */
	"ЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯ",                    /* 32 two-byte characters */
	"a..", "z__", "1--",
};

static const struct {
	const char *code;
	const char *needle;
} bad_codes[] = {
	{ "", "required" },
	{ "-MSK", "start with a letter or a digit" },
	{ ".msk", "start with a letter or a digit" },
	{ "_1", "start with a letter or a digit" },
	{ "MSK 014", "must not contain spaces" },
	{ " MSK", "must not contain spaces" },
	{ "MSK/014", "not \"/\"" },
	{ "MSK#1", "not \"#\"" },
	{ "MSK\t1", "not U+0009" },
	{ "MSK\n", "not U+000A" },
	{ "<b>", "start with a letter or a digit" },
	{ "a<b>", "not \"<\"" },
	{ "Straße", "not \"ß\"" },                /* Latin beyond A-Z */
	{ "Київ", "not \"ї\"" },                  /* Cyrillic beyond А-я, Ё, ё */
	{ "Єдність", "start with a letter or a digit" },
	{ "MSK-\xd0", "not valid UTF-8" },
	{ "\xc0\xae", "not valid UTF-8" },        /* overlong '.' */
	{ "\xed\xa0\x80", "not valid UTF-8" },    /* a surrogate */
	{ "0123456789abcdefghijABCDEFGHIJ_-x", "longer than 32 characters" },
	{ "ЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯ", "longer than 32 characters" },
};

static void codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_codes / sizeof good_codes[0]; i++) {
		struct err e;

		err_clear(&e);
		if (store_code_check(good_codes[i], &e) != 0)
			fail_msg("code [%s] refused: %s", good_codes[i], e.msg);
	}
	for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
		struct err e;

		err_clear(&e);
		if (store_code_check(bad_codes[i].code, &e) != ERR_INVALID)
			fail_msg("code [%s] accepted", bad_codes[i].code);
		if (strstr(e.msg, bad_codes[i].needle) == NULL)
			fail_msg("code [%s]: message \"%s\" lacks \"%s\"", bad_codes[i].code, e.msg,
				 bad_codes[i].needle);
	}
	assert_int_equal(store_code_check(NULL, NULL), ERR_INVALID);
}

static void names(void **state)
{
	(void)state;
	char text[1000];
	struct err e;

	assert_int_equal(store_name_check("Магазин на Тверской", NULL), 0);
	assert_int_equal(store_name_check("<script>alert(1)</script>", NULL), 0);
	assert_int_equal(store_name_check("x", NULL), 0);
	err_clear(&e);
	assert_int_equal(store_name_check("", &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "required"));
	assert_int_equal(store_name_check("   ", &e), ERR_INVALID);
	assert_int_equal(store_name_check(NULL, &e), ERR_INVALID);
	err_clear(&e);
	assert_int_equal(store_name_check("two\nlines", &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "control characters"));
	assert_int_equal(store_name_check("bell\x07", &e), ERR_INVALID);
	assert_int_equal(store_name_check("c1 \xc2\x85", &e), ERR_INVALID);   /* U+0085 */
	err_clear(&e);
	assert_int_equal(store_name_check("bad \xff", &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "UTF-8"));

	/* 200 characters, two bytes each, is the most; 201 is one too many. */
	memset(text, 0, sizeof text);
	for (int i = 0; i < STORE_NAME_MAX; i++)
		memcpy(text + 2 * i, "ж", 2);
	assert_int_equal(store_name_check(text, NULL), 0);
	memcpy(text + 2 * STORE_NAME_MAX, "ж", 2);
	err_clear(&e);
	assert_int_equal(store_name_check(text, &e), ERR_INVALID);
	assert_string_equal(e.msg, "the store name is longer than 200 characters");
}

static void notes(void **state)
{
	(void)state;
	static char text[STORE_NOTES_MAX * 2 + 8];
	struct err e;

	assert_int_equal(store_notes_check("", NULL), 0);
	assert_int_equal(store_notes_check(NULL, NULL), 0);
	assert_int_equal(store_notes_check("Ключ от серверной у охраны.\nVLAN 20:\tпринтеры\r\n", NULL), 0);
	err_clear(&e);
	assert_int_equal(store_notes_check("escape \x1b[31m", &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "other than tabs and line ends"));
	assert_int_equal(store_notes_check("\xe2\x82", &e), ERR_INVALID);

	memset(text, 0, sizeof text);
	for (int i = 0; i < STORE_NOTES_MAX; i++)
		memcpy(text + 2 * i, "ю", 2);
	assert_int_equal(store_notes_check(text, NULL), 0);
	memcpy(text + 2 * STORE_NOTES_MAX, "!", 2);
	err_clear(&e);
	assert_int_equal(store_notes_check(text, &e), ERR_INVALID);
	assert_string_equal(e.msg, "the notes text is longer than 4000 characters");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(codes),
	cmocka_unit_test(names),
	cmocka_unit_test(notes),
};

UNIT_MAIN(tests)
