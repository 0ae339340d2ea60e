/*
 * config — every setting InfraScope reads, from environment variables only.
 *
 * One table of descriptors (name, type, default, accepted range, help) drives start-up
 * validation, `--help-config` and the README's configuration table (a test keeps the two in
 * step). config_load() reads every variable; the first bad value stops with a message that
 * names the variable, the value (unless secret) and the accepted range. Defaults that start
 * with "$ORIGIN/" are resolved against the directory of the running executable, so a checkout
 * and an installed tree (same layout) both work without settings.
 */
#ifndef INFRASCOPE_CONFIG_H
#define INFRASCOPE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

struct config {
	char *environment;          /* development | production | test */
	char *database_url;         /* "" = build from postgres_* */
	char *postgres_server;
	int postgres_port;
	char *postgres_user;
	char *postgres_password;
	char *postgres_db;
	int db_connect_timeout;     /* seconds */
	int db_statement_timeout_ms;
	char *fcgi_socket;          /* absolute unix path, or IP:port */
	int fcgi_socket_mode;       /* permission bits of a unix socket */
	int fcgi_threads;
	int fcgi_backlog;
	int http_max_body_bytes;
	char *template_dir;
	char *sql_dir;
	char *batch_dir;            /* where infrascope-task is (tasks started by the web app) */
	char *metrics_textfile_dir; /* node_exporter textfile directory of the batch jobs */
	char *log_level;
	char *default_language;     /* ru | en */
	char *secret_key;           /* signs tokens and CSRF values; "" = random per process (not production) */
	int access_token_minutes;
	int refresh_token_days;     /* idle lifetime: each rotation starts it again */
	int session_max_days;       /* absolute lifetime of a login */
	char *first_superuser_email;
	char *first_superuser_password;
	char *cors_origins;         /* BACKEND_CORS_ORIGINS, as written */
	int login_max_failures;
	int login_window_minutes;
	char *device_secret_key;    /* seals device credentials (lib/secret.h) */
	int snmp_timeout_ms;        /* per SNMP request */
	int snmp_retries;
	int rediscovery_max_hosts;  /* addresses one IP rediscovery may sweep */
	int poll_offline_confirmations;
	int poll_circuit_failure_threshold;
	int poll_circuit_open_seconds;
	int poll_resilience_state_ttl_seconds;
	int poll_concurrency;       /* devices polled at once */
	int poll_jitter_max_ms;
	int poll_batch_size;        /* devices polled, then recorded in one transaction */
};

#define CONFIG_SECRET_KEY_MIN 32
#define CONFIG_FIRST_PASSWORD_MIN 12

enum config_type { CONFIG_INT, CONFIG_STR, CONFIG_ENUM, CONFIG_OCTAL };

#define CONFIG_SECRET 0x1u      /* never echo the value in messages */
#define CONFIG_PATH 0x2u        /* a filesystem path ($ORIGIN/ allowed in the default) */
#define CONFIG_LISTEN 0x4u      /* a unix socket path or IP:port (never all interfaces) */

struct config_var {
	const char *name;
	enum config_type type;
	const char *def;            /* default as text */
	long min, max;              /* CONFIG_INT / CONFIG_OCTAL bounds; CONFIG_STR: max length */
	const char *choices;        /* CONFIG_ENUM: "a|b|c" */
	size_t offset;              /* field in struct config */
	unsigned flags;
	const char *help;           /* one line for --help-config and the README */
};

/* config_getenv_fn — where values come from (getenv in production, a table in tests). */
typedef const char *(*config_getenv_fn)(const char *name);

/*
 * config_load — fill cfg from the environment through get (NULL = getenv). Empty values count
 * as unset. On success returns 0 and cfg owns its strings (free with config_free). On a bad
 * value returns ERR_INVALID, e->msg names the variable and the accepted range, and cfg holds
 * nothing to free. Rules that involve several variables run last: with ENVIRONMENT=production
 * a SECRET_KEY under CONFIG_SECRET_KEY_MIN bytes, or a FIRST_SUPERUSER_PASSWORD that is missing,
 * "CHANGE_ME" or under CONFIG_FIRST_PASSWORD_MIN characters, is refused; BACKEND_CORS_ORIGINS
 * must parse (cors.h).
 */
int config_load(struct config *cfg, config_getenv_fn get, struct err *e);

/* config_free — release the strings config_load allocated; cfg is zeroed. */
void config_free(struct config *cfg);

/* config_vars — the descriptor table (n set to its length). */
const struct config_var *config_vars(size_t *n);

/* config_print_help — the table as aligned text (for --help-config). */
void config_print_help(FILE *out);

/* config_is_production — ENVIRONMENT=production. */
bool config_is_production(const struct config *cfg);

#endif
