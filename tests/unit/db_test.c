#include "unit.h"

#include "arena.h"
#include "config.h"
#include "db.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

static void classify_sqlstate_table(void **state)
{
	(void)state;
	static const struct {
		const char *state;
		enum err_code want;
	} cases[] = {
		/* class 08: connection exceptions */
		{ "08006", ERR_DB_DOWN },
		{ "08001", ERR_DB_DOWN },
		{ "08003", ERR_DB_DOWN },
		{ "08000", ERR_DB_DOWN },
		/* 57P01-03: admin shutdown, crash shutdown, cannot connect now */
		{ "57P01", ERR_DB_DOWN },
		{ "57P02", ERR_DB_DOWN },
		{ "57P03", ERR_DB_DOWN },
		{ "57014", ERR_DB },      /* query_canceled (statement timeout) is not "down" */
		/* unique and exclusion violations */
		{ "23505", ERR_CONFLICT },
		{ "23P01", ERR_CONFLICT },
		/* other integrity violations and data exceptions: bad input */
		{ "23503", ERR_INVALID }, /* foreign_key_violation */
		{ "23502", ERR_INVALID }, /* not_null_violation */
		{ "23514", ERR_INVALID }, /* check_violation */
		{ "22P02", ERR_INVALID }, /* invalid_text_representation */
		{ "22001", ERR_INVALID }, /* string_data_right_truncation */
		{ "22003", ERR_INVALID }, /* numeric_value_out_of_range */
		{ "22021", ERR_INVALID }, /* character_not_in_repertoire */
		/* everything else */
		{ "42P01", ERR_DB },      /* undefined_table */
		{ "42601", ERR_DB },      /* syntax_error */
		{ "40001", ERR_DB },      /* serialization_failure */
		{ "40P01", ERR_DB },      /* deadlock_detected */
		{ "53300", ERR_DB },      /* too_many_connections */
		{ "XX000", ERR_DB },
		{ "", ERR_DB },
		{ "08", ERR_DB },         /* not five characters */
		{ "0800", ERR_DB },
		{ "080060", ERR_DB },
		{ "23505 ", ERR_DB },
		{ "57P0", ERR_DB },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum err_code got = db_classify_sqlstate(cases[i].state);

		if (got != cases[i].want)
			fail_msg("SQLSTATE \"%s\": got %s, want %s", cases[i].state, err_name(got),
				 err_name(cases[i].want));
	}
	assert_int_equal(db_classify_sqlstate(NULL), ERR_DB);
}

static void result_helpers_without_a_result(void **state)
{
	(void)state;
	assert_null(db_get(NULL, 0, 0));
	assert_null(db_get(NULL, -1, -1));
	assert_null(db_get(NULL, 5, 3));
	assert_int_equal(db_get_int64(NULL, 0, 0, 42), 42);
	assert_int_equal(db_get_int64(NULL, 0, 0, -1), -1);
	assert_int_equal(db_get_int64(NULL, 1, 2, INT64_MIN), INT64_MIN);
}

/*
 * libpq builds results without a server: PQmakeEmptyPGresult + PQsetResultAttrs/PQsetvalue.
 * That lets the row/column bounds and the number parsing be checked here.
 */
static PGresult *make_result(void)
{
	PGresAttDesc cols[2];
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	static const char *const values[][2] = {
		{ "42", "text" },
		{ "-9223372036854775808", NULL },
		{ "9223372036854775808", "" },
		{ "12abc", " 7" },
		{ "", "0" },
	};

	assert_non_null(r);
	memset(cols, 0, sizeof cols);
	cols[0].name = "n";
	cols[0].format = 0;
	cols[0].typid = 20; /* int8 */
	cols[0].typlen = 8;
	cols[0].atttypmod = -1;
	cols[1].name = "s";
	cols[1].format = 0;
	cols[1].typid = 25; /* text */
	cols[1].typlen = -1;
	cols[1].atttypmod = -1;
	assert_int_equal(PQsetResultAttrs(r, 2, cols), 1);
	for (int row = 0; row < 5; row++) {
		for (int col = 0; col < 2; col++) {
			const char *v = values[row][col];

			/* len -1 with a NULL value makes an SQL NULL */
			assert_int_equal(PQsetvalue(r, row, col, (char *)v, v ? (int)strlen(v) : -1), 1);
		}
	}
	return r;
}

static void result_helpers_bounds_and_numbers(void **state)
{
	(void)state;
	PGresult *r = make_result();

	assert_int_equal(PQntuples(r), 5);
	assert_string_equal(db_get(r, 0, 0), "42");
	assert_string_equal(db_get(r, 0, 1), "text");
	assert_null(db_get(r, 1, 1));       /* SQL NULL */
	assert_string_equal(db_get(r, 2, 1), ""); /* empty string is not NULL */
	assert_null(db_get(r, 5, 0));       /* row out of range */
	assert_null(db_get(r, 0, 2));       /* column out of range */
	assert_null(db_get(r, -1, 0));
	assert_null(db_get(r, 0, -1));

	assert_int_equal(db_get_int64(r, 0, 0, -7), 42);
	assert_int_equal(db_get_int64(r, 1, 0, -7), INT64_MIN);
	assert_int_equal(db_get_int64(r, 2, 0, -7), -7);  /* overflows int64 */
	assert_int_equal(db_get_int64(r, 3, 0, -7), -7);  /* not a number */
	assert_int_equal(db_get_int64(r, 4, 0, -7), -7);  /* empty */
	assert_int_equal(db_get_int64(r, 4, 1, -7), 0);
	assert_int_equal(db_get_int64(r, 0, 1, -7), -7);  /* text */
	assert_int_equal(db_get_int64(r, 1, 1, -7), -7);  /* NULL */
	assert_int_equal(db_get_int64(r, 9, 0, -7), -7);  /* out of range */
	PQclear(r);
}

/* Copies into the arena; NULL stays NULL only in the _or_null form; a full arena is remembered. */
static void text_copies_and_the_sticky_nomem(void **state)
{
	PGresult *r = make_result();
	struct arena *a = arena_new(4096, 4096);
	const char *t;
	bool nomem = false;

	(void)state;
	assert_non_null(a);
	t = db_text(a, r, 0, 1, &nomem);
	assert_string_equal(t, "text");
	assert_ptr_not_equal(t, db_get(r, 0, 1));          /* a copy: lives after PQclear */
	assert_string_equal(db_text(a, r, 1, 1, &nomem), "");   /* NULL reads as "" */
	assert_null(db_text_or_null(a, r, 1, 1, &nomem));       /* or stays NULL */
	assert_string_equal(db_text_or_null(a, r, 2, 1, &nomem), "");
	assert_string_equal(db_text(a, r, 9, 9, &nomem), "");   /* out of range: as NULL */
	assert_false(nomem);
	/* Fill the arena: the next copy fails and says so, and the flag stays set. */
	while (arena_alloc(a, 64) != NULL)
		;
	assert_null(db_text(a, r, 0, 1, &nomem));
	assert_true(nomem);
	nomem = false;
	assert_null(db_text_or_null(a, r, 0, 1, &nomem));
	assert_true(nomem);
	assert_null(db_text_or_null(a, r, 1, 1, &nomem));       /* NULL needs no room */
	assert_true(nomem);
	arena_free(a);
	PQclear(r);
}

/* Settings whose server is a unix socket directory that does not exist: nothing to reach. */
static const char *no_server_env(const char *name)
{
	if (strcmp(name, "POSTGRES_SERVER") == 0)
		return "/nonexistent/infrascope-unit-test";
	if (strcmp(name, "POSTGRES_PASSWORD") == 0)
		return "Sekr1t-pw";
	return NULL;
}

static void unreachable_server_fails_fast_as_db_down(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;
	struct db *db;
	PGresult *res = (PGresult *)&res;
	const char *const params[1] = { "1" };

	assert_int_equal(config_load(&cfg, no_server_env, &e), 0);
	db = db_new(&cfg, "unit");
	config_free(&cfg); /* db_new copied what it needs */
	assert_non_null(db);
	assert_string_equal(db_sqlstate(db), "");
	assert_null(db_conn(db));
	assert_false(db_in_transaction(db));

	err_clear(&e);
	assert_int_equal(db_connect(db, &e), ERR_DB_DOWN);
	assert_int_equal(e.code, ERR_DB_DOWN);
	assert_non_null(strstr(e.msg, "database unavailable"));
	assert_null(strstr(e.msg, "Sekr1t-pw"));
	assert_null(strchr(e.msg, '\n'));
	assert_null(db_conn(db));

	err_clear(&e);
	assert_int_equal(db_exec(db, "SELECT $1::int", 1, params, &res, &e), ERR_DB_DOWN);
	assert_null(res);
	assert_int_equal(e.code, ERR_DB_DOWN);
	assert_int_equal(db_begin(db, NULL), ERR_DB_DOWN);
	assert_false(db_in_transaction(db));
	db_rollback(db); /* safe without a connection */
	db_free(db);
	db_free(NULL);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(classify_sqlstate_table),
	cmocka_unit_test(result_helpers_without_a_result),
	cmocka_unit_test(result_helpers_bounds_and_numbers),
	cmocka_unit_test(text_copies_and_the_sticky_nomem),
	cmocka_unit_test(unreachable_server_fails_fast_as_db_down),
};

UNIT_MAIN(tests)
