#include "unit.h"

#include "config.h"
#include "err.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a fake environment: a small table config_load reads through fake_getenv ---- */

#define FAKE_MAX 16

/* 32 bytes: the least a production SECRET_KEY may have. */
#define GOOD_KEY "0123456789abcdef0123456789abcdef"

struct kv {
	const char *name;
	const char *value;
};

static struct kv fake_env[FAKE_MAX];
static size_t fake_n;

static const char *fake_getenv(const char *name)
{
	for (size_t i = 0; i < fake_n; i++)
		if (strcmp(fake_env[i].name, name) == 0)
			return fake_env[i].value;
	return NULL;
}

static void env_clear(void)
{
	fake_n = 0;
}

static void env_set(const char *name, const char *value)
{
	assert_true(fake_n < FAKE_MAX);
	fake_env[fake_n].name = name;
	fake_env[fake_n].value = value;
	fake_n++;
}

/* Load with exactly one variable set; on failure cfg must hold nothing. */
static int load_one(struct config *cfg, struct err *e, const char *name, const char *value)
{
	int rc;

	env_clear();
	env_set(name, value);
	err_clear(e);
	rc = config_load(cfg, fake_getenv, e);
	if (rc != 0) {
		assert_int_equal(e->code, rc);
		assert_null(cfg->environment);
		assert_null(cfg->template_dir);
		assert_null(cfg->default_language);
		assert_int_equal(cfg->fcgi_threads, 0);
	}
	return rc;
}

/* The value is rejected and the message contains each of the NULL-terminated needles. */
static void assert_rejected(const char *name, const char *value, ...)
{
	struct config cfg;
	struct err e;
	va_list ap;
	const char *needle;

	if (load_one(&cfg, &e, name, value) != ERR_INVALID)
		fail_msg("%s=\"%.60s\" was accepted (or failed with another code)", name, value);
	va_start(ap, value);
	while ((needle = va_arg(ap, const char *)) != NULL) {
		if (strstr(e.msg, needle) == NULL) {
			va_end(ap);
			fail_msg("%s=\"%.60s\": message \"%s\" lacks \"%s\"", name, value, e.msg, needle);
		}
	}
	va_end(ap);
	/* err.h: one line, no newline. */
	assert_null(strchr(e.msg, '\n'));
	assert_null(strchr(e.msg, '\r'));
}

static void defaults_load(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	env_clear();
	assert_int_equal(config_load(&cfg, fake_getenv, &e), 0);
	assert_string_equal(cfg.environment, "development");
	assert_false(config_is_production(&cfg));
	assert_string_equal(cfg.database_url, "");
	assert_string_equal(cfg.postgres_server, "localhost");
	assert_int_equal(cfg.postgres_port, 5432);
	assert_string_equal(cfg.postgres_user, "infrascope");
	assert_string_equal(cfg.postgres_password, "");
	assert_string_equal(cfg.postgres_db, "infrascope");
	assert_int_equal(cfg.db_connect_timeout, 2);
	assert_int_equal(cfg.db_statement_timeout_ms, 5000);
	assert_string_equal(cfg.fcgi_socket, "/run/infrascope/fcgi.sock");
	assert_int_equal(cfg.fcgi_socket_mode, 0660);
	assert_int_equal(cfg.fcgi_threads, 4);
	assert_int_equal(cfg.fcgi_backlog, 128);
	assert_int_equal(cfg.http_max_body_bytes, 1048576);
	assert_string_equal(cfg.log_level, "info");
	assert_string_equal(cfg.default_language, "ru");
	assert_string_equal(cfg.secret_key, "");
	assert_int_equal(cfg.access_token_minutes, 15);
	assert_int_equal(cfg.refresh_token_days, 7);
	assert_int_equal(cfg.session_max_days, 30);
	assert_string_equal(cfg.first_superuser_email, "admin@infrascope.local");
	assert_string_equal(cfg.first_superuser_password, "");
	assert_string_equal(cfg.cors_origins, "");
	assert_int_equal(cfg.login_max_failures, 5);
	assert_int_equal(cfg.login_window_minutes, 15);
	config_free(&cfg);
	assert_null(cfg.environment);
	assert_int_equal(cfg.fcgi_threads, 0);
	config_free(&cfg); /* freeing a zeroed config again is harmless */
}

static void empty_value_counts_as_unset(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	env_clear();
	env_set("FCGI_THREADS", "");
	env_set("POSTGRES_USER", "");
	assert_int_equal(config_load(&cfg, fake_getenv, &e), 0);
	assert_int_equal(cfg.fcgi_threads, 4);
	assert_string_equal(cfg.postgres_user, "infrascope");
	config_free(&cfg);
}

static void values_are_read_from_the_table(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	env_clear();
	env_set("ENVIRONMENT", "production");
	env_set("SECRET_KEY", GOOD_KEY);
	env_set("DEVICE_SECRET_KEY", GOOD_KEY);
	env_set("FIRST_SUPERUSER_PASSWORD", "a-long-first-password");
	env_set("POSTGRES_PORT", "6432");
	env_set("POSTGRES_PASSWORD", "s3cret");
	env_set("LOG_LEVEL", "debug");
	env_set("DEFAULT_LANGUAGE", "en");
	env_set("HTTP_MAX_BODY_BYTES", "1024");
	assert_int_equal(config_load(&cfg, fake_getenv, &e), 0);
	assert_true(config_is_production(&cfg));
	assert_int_equal(cfg.postgres_port, 6432);
	assert_string_equal(cfg.postgres_password, "s3cret");
	assert_string_equal(cfg.log_level, "debug");
	assert_string_equal(cfg.default_language, "en");
	assert_int_equal(cfg.http_max_body_bytes, 1024);
	assert_string_equal(cfg.secret_key, GOOD_KEY);
	assert_string_equal(cfg.first_superuser_password, "a-long-first-password");
	config_free(&cfg);
}

static void null_getenv_reads_the_process_environment(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	assert_int_equal(setenv("FCGI_THREADS", "7", 1), 0);
	assert_int_equal(config_load(&cfg, NULL, &e), 0);
	unsetenv("FCGI_THREADS");
	assert_int_equal(cfg.fcgi_threads, 7);
	config_free(&cfg);
}

static void fcgi_threads_bad_values_are_rejected(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"abc", "0", "257", "4x", " 4", "+4", "\t4", "\n4", "4 ", "-4", "0x10", "4.0",
		"99999999999999999999999",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_rejected("FCGI_THREADS", bad[i], "FCGI_THREADS", "from 1 to 256", NULL);
	assert_rejected("FCGI_THREADS", "abc", "not an integer", NULL);
	assert_rejected("FCGI_THREADS", "257", "out of range", NULL);
}

static void fcgi_threads_good_values_are_accepted(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		int want;
	} good[] = { { "16", 16 }, { "1", 1 }, { "256", 256 }, { "08", 8 } };
	struct config cfg;
	struct err e;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(load_one(&cfg, &e, "FCGI_THREADS", good[i].value), 0);
		assert_int_equal(cfg.fcgi_threads, good[i].want);
		config_free(&cfg);
	}
}

static void int_ranges_are_named(void **state)
{
	(void)state;
	assert_rejected("POSTGRES_PORT", "0", "POSTGRES_PORT", "from 1 to 65535", NULL);
	assert_rejected("POSTGRES_PORT", "65536", "POSTGRES_PORT", "from 1 to 65535", NULL);
	assert_rejected("DB_STATEMENT_TIMEOUT_MS", "99", "from 100 to 600000", NULL);
	assert_rejected("HTTP_MAX_BODY_BYTES", "1023", "from 1024 to 67108864", NULL);
}

static void enum_bad_value_lists_the_choices(void **state)
{
	(void)state;
	assert_rejected("ENVIRONMENT", "staging", "ENVIRONMENT", "\"staging\"",
			"development, production, test", NULL);
	assert_rejected("ENVIRONMENT", "Production", "development, production, test", NULL);
	assert_rejected("ENVIRONMENT", "production ", "development, production, test", NULL);
	assert_rejected("ENVIRONMENT", "development|production", "ENVIRONMENT", NULL);
	assert_rejected("LOG_LEVEL", "verbose", "LOG_LEVEL", "debug, info, warn, error", NULL);
	assert_rejected("DEFAULT_LANGUAGE", "de", "DEFAULT_LANGUAGE", "ru, en", NULL);
}

static void fcgi_socket_unsafe_values_are_rejected(void **state)
{
	(void)state;
	char long_path[200];
	static const char *const bad[] = {
		":9000", "0.0.0.0:9000", "relative/path", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0",
		"127.0.0.1:65536", "127.0.0.1:+80", "localhost:9000", "::1:9000", "9000",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_rejected("FCGI_SOCKET", bad[i], "FCGI_SOCKET", "IPv4:port", NULL);

	/* sun_path holds 108 bytes including the NUL: a 108-byte path cannot be bound. */
	memset(long_path, 'a', sizeof long_path);
	long_path[0] = '/';
	long_path[108] = '\0';
	assert_rejected("FCGI_SOCKET", long_path, "FCGI_SOCKET", "shorter than 108", NULL);
	long_path[108] = 'a';
	long_path[sizeof long_path - 1] = '\0';
	assert_rejected("FCGI_SOCKET", long_path, "FCGI_SOCKET", "shorter than 108", NULL);
}

static void fcgi_socket_safe_values_are_accepted(void **state)
{
	(void)state;
	char path107[108];
	const char *good[] = { "127.0.0.1:9000", "/run/x.sock", "10.1.2.3:65535", path107 };
	struct config cfg;
	struct err e;

	memset(path107, 'b', sizeof path107);
	path107[0] = '/';
	path107[107] = '\0';
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (load_one(&cfg, &e, "FCGI_SOCKET", good[i]) != 0)
			fail_msg("FCGI_SOCKET=\"%s\" rejected: %s", good[i], e.msg);
		assert_string_equal(cfg.fcgi_socket, good[i]);
		config_free(&cfg);
	}
}

static void fcgi_socket_mode_is_octal(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		int want;
	} good[] = { { "0660", 0660 }, { "660", 0660 }, { "0600", 0600 }, { "0777", 0777 } };
	static const char *const bad[] = { "999", "0500", "01000", "0x1b0", "660 ", " 660", "rw" };
	struct config cfg;
	struct err e;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(load_one(&cfg, &e, "FCGI_SOCKET_MODE", good[i].value), 0);
		assert_int_equal(cfg.fcgi_socket_mode, good[i].want);
		config_free(&cfg);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_rejected("FCGI_SOCKET_MODE", bad[i], "FCGI_SOCKET_MODE", "0600 to 0777", NULL);
	assert_rejected("FCGI_SOCKET_MODE", "999", "not an octal number", NULL);
}

static void secrets_never_appear_in_messages(void **state)
{
	(void)state;
	char long_password[300];

	assert_rejected("DATABASE_URL", "postgresql://app:Hunter2pw@db/x\x01", "DATABASE_URL",
			"(hidden)", "control character", NULL);
	{
		struct config cfg;
		struct err e;

		load_one(&cfg, &e, "DATABASE_URL", "postgresql://app:Hunter2pw@db/x\x01");
		assert_null(strstr(e.msg, "Hunter2pw"));
		assert_null(strstr(e.msg, "postgresql"));

		assert_int_equal(load_one(&cfg, &e, "POSTGRES_PASSWORD", "Tr0ub4dor\x1b"),
				 ERR_INVALID);
		assert_non_null(strstr(e.msg, "POSTGRES_PASSWORD"));
		assert_non_null(strstr(e.msg, "(hidden)"));
		assert_null(strstr(e.msg, "Tr0ub4dor"));

		memset(long_password, 'P', sizeof long_password);
		long_password[sizeof long_password - 1] = '\0';
		assert_int_equal(load_one(&cfg, &e, "POSTGRES_PASSWORD", long_password), ERR_INVALID);
		assert_non_null(strstr(e.msg, "(hidden)"));
		assert_null(strstr(e.msg, "PPPP"));
	}
}

static void non_secret_values_are_shown_on_one_line(void **state)
{
	(void)state;
	assert_rejected("POSTGRES_USER", "app\nuser", "POSTGRES_USER", "control character", NULL);
	assert_rejected("POSTGRES_DB", "db\r\nInjected: yes", "POSTGRES_DB", NULL);
}

static void long_bad_value_keeps_the_range_in_the_message(void **state)
{
	(void)state;
	char *big = malloc(5000);

	assert_non_null(big);
	memset(big, 'd', 4999);
	big[0] = '/';
	big[4999] = '\0';
	assert_rejected("TEMPLATE_DIR", big, "TEMPLATE_DIR", "wrong length", "1 to 4096", NULL);
	memset(big, '9', 4999);
	assert_rejected("FCGI_THREADS", big, "FCGI_THREADS", "from 1 to 256", NULL);
	free(big);
}

static void origin_defaults_resolve_next_to_the_executable(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	size_t dirlen;

	assert_true(n > 0);
	exe[n] = '\0';
	dirlen = (size_t)(strrchr(exe, '/') - exe);

	env_clear();
	assert_int_equal(config_load(&cfg, fake_getenv, &e), 0);
	assert_int_equal(cfg.template_dir[0], '/');
	assert_null(strstr(cfg.template_dir, "$ORIGIN"));
	assert_true(strlen(cfg.template_dir) > strlen("/../templates"));
	assert_string_equal(cfg.template_dir + strlen(cfg.template_dir) - strlen("/../templates"),
			    "/../templates");
	assert_memory_equal(cfg.template_dir, exe, dirlen);
	assert_string_equal(cfg.template_dir + dirlen, "/../templates");
	assert_string_equal(cfg.sql_dir + dirlen, "/../sql");
	assert_string_equal(cfg.metrics_textfile_dir + dirlen, "/../var/metrics");
	config_free(&cfg);

	/* An explicit path is kept as given. */
	assert_int_equal(load_one(&cfg, &e, "TEMPLATE_DIR", "/srv/infrascope/templates"), 0);
	assert_string_equal(cfg.template_dir, "/srv/infrascope/templates");
	config_free(&cfg);
}

static void failure_late_in_the_table_frees_everything(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	/* LOGIN_WINDOW_MINUTES is the last variable: every string before it was already allocated. */
	assert_int_equal(load_one(&cfg, &e, "LOGIN_WINDOW_MINUTES", "0"), ERR_INVALID);
	assert_null(cfg.postgres_server);
	assert_null(cfg.sql_dir);
	assert_null(cfg.log_level);
	assert_null(cfg.secret_key);
	assert_null(cfg.cors_origins);
	/* The rules across variables run after all of them loaded: a refusal there frees too. */
	assert_int_equal(load_one(&cfg, &e, "BACKEND_CORS_ORIGINS", "*"), ERR_INVALID);
	assert_null(cfg.cors_origins);
	assert_null(cfg.first_superuser_email);
	/* The ASan build's leak checker fails the test when anything was left behind. */
}

static void descriptor_table_is_consistent(void **state)
{
	(void)state;
	size_t n = 0;
	const struct config_var *v = config_vars(&n);
	char *help = NULL;
	size_t help_len = 0;
	FILE *f;

	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(v[i].name);
		assert_non_null(v[i].def);
		assert_non_null(v[i].help);
		for (const char *p = v[i].name; *p != '\0'; p++)
			assert_true((*p >= 'A' && *p <= 'Z') || *p == '_' || (*p >= '0' && *p <= '9'));
		if (v[i].type == CONFIG_ENUM)
			assert_non_null(v[i].choices);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(v[i].name, v[j].name);
	}

	f = open_memstream(&help, &help_len);
	assert_non_null(f);
	config_print_help(f);
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		if (strstr(help, v[i].name) == NULL)
			fail_msg("--help-config output lacks %s", v[i].name);
	}
	assert_non_null(strstr(help, "an integer from 1 to 256 (default 4)"));
	free(help);
}

static void readme_lists_every_variable(void **state)
{
	(void)state;
	const char *path = UNIT_SRCDIR "/README.md";
	FILE *f = fopen(path, "rb");
	char *text;
	long size;
	size_t n = 0;
	const struct config_var *v = config_vars(&n);
	int missing = 0;

	if (f == NULL)
		fail_msg("%s is missing: it must document every variable in config_vars() as a "
			 "row \"| `NAME` |\" of its configuration table (run the tests from the "
			 "repository root)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = '\0';
	fclose(f);

	for (size_t i = 0; i < n; i++) {
		char row[96];

		snprintf(row, sizeof row, "| `%s` |", v[i].name);
		if (strstr(text, row) == NULL) {
			print_error("README.md lacks the configuration row \"%s\"\n", row);
			missing++;
		}
	}
	free(text);
	if (missing > 0)
		fail_msg("README.md lacks %d of the %zu variables in config_vars()", missing, n);
}

/* The environment holds exactly the NULL-terminated name/value pairs; returns config_load's code. */
static int load_env(struct config *cfg, struct err *e, ...)
{
	va_list ap;
	const char *name;
	int rc;

	env_clear();
	va_start(ap, e);
	while ((name = va_arg(ap, const char *)) != NULL)
		env_set(name, va_arg(ap, const char *));
	va_end(ap);
	err_clear(e);
	rc = config_load(cfg, fake_getenv, e);
	if (rc != 0)
		assert_null(cfg->environment);
	return rc;
}

static void production_refuses_a_short_secret_key(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", "short",
				  "FIRST_SUPERUSER_PASSWORD", "a-long-first-password", NULL),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "SECRET_KEY"));
	assert_non_null(strstr(e.msg, "32"));
	assert_null(strstr(e.msg, "short")); /* the secret itself is never shown */
	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production",
				  "FIRST_SUPERUSER_PASSWORD", "a-long-first-password", NULL),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "SECRET_KEY"));
	/* 31 bytes are one too few; 32 are enough. */
	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY",
				  GOOD_KEY + 1, "FIRST_SUPERUSER_PASSWORD", "a-long-first-password",
				  NULL),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "SECRET_KEY"));
	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", GOOD_KEY,
				  "FIRST_SUPERUSER_PASSWORD", "a-long-first-password",
				  "DEVICE_SECRET_KEY", GOOD_KEY, NULL),
			 0);
	config_free(&cfg);
}

static void production_refuses_a_short_device_secret_key(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", GOOD_KEY,
				  "FIRST_SUPERUSER_PASSWORD", "a-long-first-password", NULL),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "DEVICE_SECRET_KEY"));
	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", GOOD_KEY,
				  "FIRST_SUPERUSER_PASSWORD", "a-long-first-password",
				  "DEVICE_SECRET_KEY", GOOD_KEY + 1, NULL),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "DEVICE_SECRET_KEY"));
	assert_null(strstr(e.msg, GOOD_KEY + 1));
}

static void production_refuses_a_weak_first_password(void **state)
{
	(void)state;
	static const char *const weak[] = { NULL, "CHANGE_ME", "change_me", "changethis",
					    "12345678901" /* 11 */, "Пароль-1234" /* 11 characters */ };
	struct config cfg;
	struct err e;

	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		int rc = weak[i] != NULL
				 ? load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", GOOD_KEY,
					    "FIRST_SUPERUSER_PASSWORD", weak[i], NULL)
				 : load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", GOOD_KEY,
					    NULL);

		if (rc != ERR_INVALID)
			fail_msg("FIRST_SUPERUSER_PASSWORD=%s accepted in production",
				 weak[i] != NULL ? weak[i] : "(unset)");
		if (strstr(e.msg, "FIRST_SUPERUSER_PASSWORD") == NULL)
			fail_msg("message \"%s\" does not name FIRST_SUPERUSER_PASSWORD", e.msg);
		if (weak[i] != NULL && strstr(e.msg, weak[i]) != NULL && strcmp(weak[i], "CHANGE_ME") != 0)
			fail_msg("message \"%s\" shows the password", e.msg);
	}
	/* 12 characters are enough, Cyrillic ones too (24 bytes). */
	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", GOOD_KEY,
				  "FIRST_SUPERUSER_PASSWORD", "123456789012", "DEVICE_SECRET_KEY", GOOD_KEY,
				  NULL),
			 0);
	config_free(&cfg);
	assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", "production", "SECRET_KEY", GOOD_KEY,
				  "FIRST_SUPERUSER_PASSWORD", "Пароль-12345", "DEVICE_SECRET_KEY", GOOD_KEY,
				  NULL),
			 0);
	config_free(&cfg);
}

static void development_and_test_allow_empty_secrets(void **state)
{
	(void)state;
	static const char *const envs[] = { "development", "test" };
	struct config cfg;
	struct err e;

	for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
		assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", envs[i], NULL), 0);
		assert_string_equal(cfg.secret_key, "");
		assert_string_equal(cfg.first_superuser_password, "");
		config_free(&cfg);
		assert_int_equal(load_env(&cfg, &e, "ENVIRONMENT", envs[i], "SECRET_KEY", "short",
					  "FIRST_SUPERUSER_PASSWORD", "CHANGE_ME", NULL),
				 0);
		config_free(&cfg);
	}
}

static void bad_cors_origins_are_refused_by_name(void **state)
{
	(void)state;
	struct config cfg;
	struct err e;

	assert_rejected("BACKEND_CORS_ORIGINS", "*", "BACKEND_CORS_ORIGINS", "*", NULL);
	assert_rejected("BACKEND_CORS_ORIGINS", "https://a.example/app", "BACKEND_CORS_ORIGINS",
			"https://a.example/app", NULL);
	assert_rejected("BACKEND_CORS_ORIGINS", "https://a.example,null", "BACKEND_CORS_ORIGINS",
			"null", NULL);
	assert_rejected("BACKEND_CORS_ORIGINS", "[\"https://a.example\"", "BACKEND_CORS_ORIGINS",
			NULL);
	assert_int_equal(load_one(&cfg, &e, "BACKEND_CORS_ORIGINS",
				  "https://a.example, http://127.0.0.1:3000"),
			 0);
	assert_string_equal(cfg.cors_origins, "https://a.example, http://127.0.0.1:3000");
	config_free(&cfg);
	assert_int_equal(load_one(&cfg, &e, "BACKEND_CORS_ORIGINS", "[\"https://a.example\"]"), 0);
	config_free(&cfg);
}

static void account_settings_have_ranges(void **state)
{
	(void)state;
	assert_rejected("ACCESS_TOKEN_EXPIRE_MINUTES", "0", "ACCESS_TOKEN_EXPIRE_MINUTES",
			"from 1 to 1440", NULL);
	assert_rejected("REFRESH_TOKEN_EXPIRE_DAYS", "91", "from 1 to 90", NULL);
	assert_rejected("SESSION_MAX_DAYS", "0", "from 1 to 365", NULL);
	assert_rejected("LOGIN_MAX_FAILURES", "101", "from 1 to 100", NULL);
	assert_rejected("LOGIN_WINDOW_MINUTES", "abc", "not an integer", NULL);
	assert_rejected("FIRST_SUPERUSER_EMAIL", "ab", "FIRST_SUPERUSER_EMAIL", NULL);
	assert_rejected("SECRET_KEY", "key\x01with-control", "SECRET_KEY", "(hidden)", NULL);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(defaults_load),
	cmocka_unit_test(empty_value_counts_as_unset),
	cmocka_unit_test(values_are_read_from_the_table),
	cmocka_unit_test(null_getenv_reads_the_process_environment),
	cmocka_unit_test(fcgi_threads_bad_values_are_rejected),
	cmocka_unit_test(fcgi_threads_good_values_are_accepted),
	cmocka_unit_test(int_ranges_are_named),
	cmocka_unit_test(enum_bad_value_lists_the_choices),
	cmocka_unit_test(fcgi_socket_unsafe_values_are_rejected),
	cmocka_unit_test(fcgi_socket_safe_values_are_accepted),
	cmocka_unit_test(fcgi_socket_mode_is_octal),
	cmocka_unit_test(secrets_never_appear_in_messages),
	cmocka_unit_test(non_secret_values_are_shown_on_one_line),
	cmocka_unit_test(long_bad_value_keeps_the_range_in_the_message),
	cmocka_unit_test(origin_defaults_resolve_next_to_the_executable),
	cmocka_unit_test(failure_late_in_the_table_frees_everything),
	cmocka_unit_test(descriptor_table_is_consistent),
	cmocka_unit_test(readme_lists_every_variable),
	cmocka_unit_test(production_refuses_a_short_secret_key),
	cmocka_unit_test(production_refuses_a_short_device_secret_key),
	cmocka_unit_test(production_refuses_a_weak_first_password),
	cmocka_unit_test(development_and_test_allow_empty_secrets),
	cmocka_unit_test(bad_cors_origins_are_refused_by_name),
	cmocka_unit_test(account_settings_have_ranges),
};

UNIT_MAIN(tests)
