#include "config.h"

#include "cors.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <unistd.h>

#define FIELD(f) offsetof(struct config, f)

/* Keep in step with README.md "Configuration" (tests/unit/config_test.c checks). */
static const struct config_var vars[] = {
	{ "ENVIRONMENT", CONFIG_ENUM, "development", 0, 0, "development|production|test",
	  FIELD(environment), 0,
	  "deployment kind; production refuses weak secrets at start-up" },
	{ "DATABASE_URL", CONFIG_STR, "", 0, 1024, NULL, FIELD(database_url), CONFIG_SECRET,
	  "libpq connection URI or key=value string; when empty, built from POSTGRES_*" },
	{ "POSTGRES_SERVER", CONFIG_STR, "localhost", 0, 255, NULL, FIELD(postgres_server), 0,
	  "PostgreSQL host name, address, or unix socket directory (starting with /)" },
	{ "POSTGRES_PORT", CONFIG_INT, "5432", 1, 65535, NULL, FIELD(postgres_port), 0,
	  "PostgreSQL port" },
	{ "POSTGRES_USER", CONFIG_STR, "infrascope", 1, 63, NULL, FIELD(postgres_user), 0,
	  "PostgreSQL role" },
	{ "POSTGRES_PASSWORD", CONFIG_STR, "", 0, 255, NULL, FIELD(postgres_password),
	  CONFIG_SECRET, "PostgreSQL password (empty: peer/trust or ~/.pgpass)" },
	{ "POSTGRES_DB", CONFIG_STR, "infrascope", 1, 63, NULL, FIELD(postgres_db), 0,
	  "PostgreSQL database name" },
	{ "DB_CONNECT_TIMEOUT", CONFIG_INT, "2", 1, 60, NULL, FIELD(db_connect_timeout), 0,
	  "seconds to wait for a PostgreSQL connection" },
	{ "DB_STATEMENT_TIMEOUT_MS", CONFIG_INT, "5000", 100, 600000, NULL,
	  FIELD(db_statement_timeout_ms), 0,
	  "longest statement the web process lets PostgreSQL run, in milliseconds" },
	{ "FCGI_SOCKET", CONFIG_STR, "/run/infrascope/fcgi.sock", 1, 107, NULL,
	  FIELD(fcgi_socket), CONFIG_LISTEN,
	  "where the FastCGI app listens: an absolute unix socket path, or IP:port" },
	{ "FCGI_SOCKET_MODE", CONFIG_OCTAL, "0660", 0600, 0777, NULL, FIELD(fcgi_socket_mode), 0,
	  "permission bits of the unix socket (octal)" },
	{ "FCGI_THREADS", CONFIG_INT, "4", 1, 256, NULL, FIELD(fcgi_threads), 0,
	  "request threads of the FastCGI app, each with its own PostgreSQL connection" },
	{ "FCGI_BACKLOG", CONFIG_INT, "128", 1, 4096, NULL, FIELD(fcgi_backlog), 0,
	  "listen backlog of the FastCGI socket" },
	{ "HTTP_MAX_BODY_BYTES", CONFIG_INT, "1048576", 1024, 67108864, NULL,
	  FIELD(http_max_body_bytes), 0,
	  "largest request body the app accepts; larger bodies get 413" },
	{ "TEMPLATE_DIR", CONFIG_STR, "$ORIGIN/../templates", 1, 4096, NULL, FIELD(template_dir),
	  CONFIG_PATH, "page templates and the i18n/ string tables" },
	{ "SQL_DIR", CONFIG_STR, "$ORIGIN/../sql", 1, 4096, NULL, FIELD(sql_dir), CONFIG_PATH,
	  "migration files applied by infrascope-migrate" },
	{ "BATCH_DIR", CONFIG_STR, "$ORIGIN/../batch", 1, 4096, NULL, FIELD(batch_dir), CONFIG_PATH,
	  "the batch programs: the web app starts infrascope-task from here for each task" },
	{ "METRICS_TEXTFILE_DIR", CONFIG_STR, "$ORIGIN/../var/metrics", 1, 4096, NULL,
	  FIELD(metrics_textfile_dir), CONFIG_PATH,
	  "directory of the node_exporter textfile collector: batch jobs write infrascope_*.prom "
	  "there (created when missing)" },
	{ "LOG_LEVEL", CONFIG_ENUM, "info", 0, 0, "debug|info|warn|error", FIELD(log_level), 0,
	  "lowest level written to the log" },
	{ "DEFAULT_LANGUAGE", CONFIG_ENUM, "ru", 0, 0, "ru|en", FIELD(default_language), 0,
	  "page language when neither the user nor the browser chooses one" },
	{ "SECRET_KEY", CONFIG_STR, "", 0, 1024, NULL, FIELD(secret_key), CONFIG_SECRET,
	  "key that signs access tokens and CSRF values; at least 32 bytes in production "
	  "(empty elsewhere: a random key per start, so logins end on restart)" },
	{ "ACCESS_TOKEN_EXPIRE_MINUTES", CONFIG_INT, "15", 1, 1440, NULL,
	  FIELD(access_token_minutes), 0, "lifetime of an access token" },
	{ "REFRESH_TOKEN_EXPIRE_DAYS", CONFIG_INT, "7", 1, 90, NULL, FIELD(refresh_token_days), 0,
	  "a login ends after this many days without use (each refresh starts the count again)" },
	{ "SESSION_MAX_DAYS", CONFIG_INT, "30", 1, 365, NULL, FIELD(session_max_days), 0,
	  "a login ends this many days after the password was typed, however often it is used" },
	{ "FIRST_SUPERUSER_EMAIL", CONFIG_STR, "admin@infrascope.local", 3, 254, NULL,
	  FIELD(first_superuser_email), 0,
	  "email of the first administrator, created by infrascope-migrate when missing" },
	{ "FIRST_SUPERUSER_PASSWORD", CONFIG_STR, "", 0, 128, NULL,
	  FIELD(first_superuser_password), CONFIG_SECRET,
	  "its password; required in production (12+ characters, not CHANGE_ME); elsewhere, when "
	  "empty, infrascope-migrate generates one and prints it once" },
	{ "BACKEND_CORS_ORIGINS", CONFIG_STR, "", 0, 8192, NULL, FIELD(cors_origins), 0,
	  "browser origins allowed to call the API with credentials: comma-separated or a JSON array" },
	{ "LOGIN_MAX_FAILURES", CONFIG_INT, "5", 1, 100, NULL, FIELD(login_max_failures), 0,
	  "failed logins per (client address, email) before 429" },
	{ "LOGIN_WINDOW_MINUTES", CONFIG_INT, "15", 1, 1440, NULL, FIELD(login_window_minutes), 0,
	  "the window those failures are counted in, from the first one" },
	{ "DEVICE_SECRET_KEY", CONFIG_STR, "", 0, 1024, NULL, FIELD(device_secret_key),
	  CONFIG_SECRET,
	  "key that encrypts device credentials (SNMP communities, passwords) in the database; at "
	  "least 32 bytes in production, and keep it: stored credentials need it (empty elsewhere: "
	  "a fixed development key)" },
	{ "SNMP_TIMEOUT_MS", CONFIG_INT, "1000", 50, 30000, NULL, FIELD(snmp_timeout_ms), 0,
	  "how long one SNMP request waits for its answer" },
	{ "SNMP_RETRIES", CONFIG_INT, "1", 0, 5, NULL, FIELD(snmp_retries), 0,
	  "SNMP requests sent again after a timeout (then SNMPv1 is tried once more)" },
	{ "REDISCOVERY_MAX_HOSTS", CONFIG_INT, "1024", 1, 65536, NULL,
	  FIELD(rediscovery_max_hosts), 0,
	  "addresses of the store's subnets one IP rediscovery may probe, after the neighbour table" },
	{ "POLL_OFFLINE_CONFIRMATIONS", CONFIG_INT, "2", 1, 20, NULL,
	  FIELD(poll_offline_confirmations), 0,
	  "failed polls in a row before an online device is shown offline (pending_offline before)" },
	{ "POLL_CIRCUIT_FAILURE_THRESHOLD", CONFIG_INT, "4", 1, 100, NULL,
	  FIELD(poll_circuit_failure_threshold), 0,
	  "failed polls in a row (timeouts and protocol errors alike) that open a device's circuit" },
	{ "POLL_CIRCUIT_OPEN_SECONDS", CONFIG_INT, "45", 5, 86400, NULL,
	  FIELD(poll_circuit_open_seconds), 0,
	  "how long an open circuit skips the device before one probe is let through" },
	{ "POLL_RESILIENCE_STATE_TTL_SECONDS", CONFIG_INT, "7200", 300, 604800, NULL,
	  FIELD(poll_resilience_state_ttl_seconds), 0,
	  "failure counters and circuits older than this start again fresh" },
	{ "POLL_CONCURRENCY", CONFIG_INT, "256", 1, 10000, NULL, FIELD(poll_concurrency), 0,
	  "devices a poll-all asks at once" },
	{ "POLL_JITTER_MAX_MS", CONFIG_INT, "150", 0, 10000, NULL, FIELD(poll_jitter_max_ms), 0,
	  "each device's first request in a poll-all waits a random 0..this many ms" },
	{ "POLL_BATCH_SIZE", CONFIG_INT, "500", 1, 10000, NULL, FIELD(poll_batch_size), 0,
	  "devices a poll-all polls, then records in one transaction, at a time" },
};

const struct config_var *config_vars(size_t *n)
{
	*n = sizeof vars / sizeof vars[0];
	return vars;
}

#define SHOWN_MAX 64

/*
 * The value as a message shows it: "(hidden)" for secrets; otherwise at most SHOWN_MAX bytes
 * (then "...") with control characters as '?', so the message stays one line and the accepted
 * range still fits. buf holds SHOWN_MAX + 4 bytes.
 */
static const char *shown(const struct config_var *v, const char *value, char buf[SHOWN_MAX + 4])
{
	size_t i;

	if (v->flags & CONFIG_SECRET)
		return "(hidden)";
	for (i = 0; value[i] != '\0' && i < SHOWN_MAX; i++)
		buf[i] = ((unsigned char)value[i] < ' ' || value[i] == 0x7f) ? '?' : value[i];
	memcpy(buf + i, value[i] != '\0' ? "..." : "", value[i] != '\0' ? 4 : 1);
	return buf;
}

static bool enum_has(const char *choices, const char *value)
{
	size_t vl = strlen(value);

	for (const char *p = choices; *p != '\0';) {
		const char *bar = strchr(p, '|');
		size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);

		if (len == vl && strncmp(p, value, len) == 0)
			return true;
		p += len + (bar != NULL);
	}
	return false;
}

static int parse_long(const char *s, int base, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, base);
	/* strtol would skip any leading white space (tab, newline...) and a '+'. */
	if (errno != 0 || end == s || *end != '\0' || isspace((unsigned char)s[0]) || s[0] == '+')
		return -1;
	*out = v;
	return 0;
}

/* A listen address must not bind every interface: "/path" or a literal IPv4/IPv6 and port. */
static bool listen_address_ok(const char *s)
{
	const char *colon;
	char host[64];
	long port;
	struct in_addr a4;

	if (s[0] == '/')
		return strlen(s) < sizeof(((struct sockaddr_un *)0)->sun_path);
	colon = strrchr(s, ':');
	if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof host)
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (parse_long(colon + 1, 10, &port) != 0 || port < 1 || port > 65535)
		return false;
	/* libfcgi's FCGX_OpenSocket binds IPv4 only. */
	return inet_pton(AF_INET, host, &a4) == 1 && a4.s_addr != htonl(INADDR_ANY);
}

/* Resolve "$ORIGIN/…" against the directory holding the running executable. */
static char *resolve_origin(const char *value)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash, *out;
	size_t need;

	if (strncmp(value, "$ORIGIN/", 8) != 0)
		return strdup(value);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return strdup(value + 8);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash != NULL)
		*slash = '\0';
	need = strlen(exe) + 1 + strlen(value + 8) + 1;
	out = malloc(need);
	if (out != NULL)
		snprintf(out, need, "%s/%s", exe, value + 8);
	return out;
}

static int describe_range(const struct config_var *v, char *buf, size_t len)
{
	switch (v->type) {
	case CONFIG_INT:
		return snprintf(buf, len, "an integer from %ld to %ld (default %s)", v->min,
				v->max, v->def);
	case CONFIG_OCTAL:
		return snprintf(buf, len, "an octal mode from %04lo to %04lo (default %s)",
				(unsigned long)v->min, (unsigned long)v->max, v->def);
	case CONFIG_ENUM: {
		char list[128];
		size_t j = 0;

		for (const char *p = v->choices; *p != '\0' && j + 3 < sizeof list; p++) {
			if (*p == '|') {
				list[j++] = ',';
				list[j++] = ' ';
			} else {
				list[j++] = *p;
			}
		}
		list[j] = '\0';
		return snprintf(buf, len, "one of %s (default %s)", list, v->def);
	}
	case CONFIG_STR:
		if (v->flags & CONFIG_LISTEN)
			return snprintf(buf, len, "an absolute unix socket path shorter than 108 "
					"bytes, or IPv4:port on a specific address (default %s)", v->def);
		if (v->def[0] != '\0' && !(v->flags & CONFIG_SECRET))
			return snprintf(buf, len, "text of %ld to %ld bytes (default %s)", v->min, v->max,
					v->def);
		return snprintf(buf, len, "text of %ld to %ld bytes", v->min, v->max);
	}
	return snprintf(buf, len, "?");
}

static int bad_value(const struct config_var *v, const char *value, const char *why, struct err *e)
{
	char range[256], value_buf[SHOWN_MAX + 4];

	describe_range(v, range, sizeof range);
	return err_set(e, ERR_INVALID, "%s=\"%s\": %s; accepted: %s", v->name,
		       shown(v, value, value_buf), why, range);
}

static int load_one(const struct config_var *v, const char *value, struct config *cfg, struct err *e)
{
	char *field = (char *)cfg + v->offset;
	long n;

	switch (v->type) {
	case CONFIG_INT:
		if (parse_long(value, 10, &n) != 0)
			return bad_value(v, value, "not an integer", e);
		if (n < v->min || n > v->max)
			return bad_value(v, value, "out of range", e);
		*(int *)(void *)field = (int)n;
		return 0;
	case CONFIG_OCTAL:
		if (parse_long(value, 8, &n) != 0)
			return bad_value(v, value, "not an octal number", e);
		if (n < v->min || n > v->max)
			return bad_value(v, value, "out of range", e);
		*(int *)(void *)field = (int)n;
		return 0;
	case CONFIG_ENUM:
		if (!enum_has(v->choices, value))
			return bad_value(v, value, "not a known value", e);
		break;
	case CONFIG_STR:
		if ((long)strlen(value) < v->min || (long)strlen(value) > v->max)
			return bad_value(v, value, "wrong length", e);
		for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++)
			if (*p < ' ' || *p == 0x7f)
				return bad_value(v, value, "contains a control character", e);
		if ((v->flags & CONFIG_LISTEN) && !listen_address_ok(value))
			return bad_value(v, value, "not a safe listen address", e);
		break;
	}
	*(char **)(void *)field = (v->flags & CONFIG_PATH) ? resolve_origin(value) : strdup(value);
	if (*(char **)(void *)field == NULL)
		return err_set(e, ERR_NOMEM, "%s: out of memory", v->name);
	return 0;
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Rules across variables, checked once every value parsed. */
static int check_rules(const struct config *cfg, struct err *e)
{
	struct cors_origins origins;
	struct err inner;

	if (cors_parse(cfg->cors_origins, &origins, &inner) != 0)
		return err_set(e, ERR_INVALID, "BACKEND_CORS_ORIGINS: %s", inner.msg);
	if (!config_is_production(cfg))
		return 0;
	if (strlen(cfg->secret_key) < CONFIG_SECRET_KEY_MIN)
		return err_set(e, ERR_INVALID,
			       "SECRET_KEY: with ENVIRONMENT=production it must be at least %d bytes "
			       "(it has %zu); generate one with: openssl rand -hex 32",
			       CONFIG_SECRET_KEY_MIN, strlen(cfg->secret_key));
	if (cfg->first_superuser_password[0] == '\0')
		return err_set(e, ERR_INVALID,
			       "FIRST_SUPERUSER_PASSWORD: with ENVIRONMENT=production it must be set");
	if (strcasecmp(cfg->first_superuser_password, "CHANGE_ME") == 0 ||
	    strcasecmp(cfg->first_superuser_password, "changethis") == 0)
		return err_set(e, ERR_INVALID,
			       "FIRST_SUPERUSER_PASSWORD: with ENVIRONMENT=production it must not be the "
			       "placeholder CHANGE_ME");
	if (utf8_length(cfg->first_superuser_password) < CONFIG_FIRST_PASSWORD_MIN)
		return err_set(e, ERR_INVALID,
			       "FIRST_SUPERUSER_PASSWORD: with ENVIRONMENT=production it must be at "
			       "least %d characters", CONFIG_FIRST_PASSWORD_MIN);
	if (strlen(cfg->device_secret_key) < CONFIG_SECRET_KEY_MIN)
		return err_set(e, ERR_INVALID,
			       "DEVICE_SECRET_KEY: with ENVIRONMENT=production it must be at least %d "
			       "bytes (it has %zu); generate one with: openssl rand -hex 32",
			       CONFIG_SECRET_KEY_MIN, strlen(cfg->device_secret_key));
	return 0;
}

static const char *process_env(const char *name)
{
	return getenv(name);
}

int config_load(struct config *cfg, config_getenv_fn get, struct err *e)
{
	memset(cfg, 0, sizeof *cfg);
	if (get == NULL)
		get = process_env;
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const struct config_var *v = &vars[i];
		const char *value = get(v->name);
		int rc;

		if (value == NULL || value[0] == '\0')
			value = v->def;
		rc = load_one(v, value, cfg, e);
		if (rc != 0) {
			config_free(cfg);
			return rc;
		}
	}
	if (check_rules(cfg, e) != 0) {
		config_free(cfg);
		return ERR_INVALID;
	}
	return 0;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		if (vars[i].type == CONFIG_STR || vars[i].type == CONFIG_ENUM) {
			char **p = (char **)(void *)((char *)cfg + vars[i].offset);
			free(*p);
			*p = NULL;
		}
	}
	memset(cfg, 0, sizeof *cfg);
}

void config_print_help(FILE *out)
{
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		char range[256];

		describe_range(&vars[i], range, sizeof range);
		fprintf(out, "%-26s %s\n%-26s accepted: %s\n", vars[i].name, vars[i].help, "", range);
	}
}

bool config_is_production(const struct config *cfg)
{
	return cfg->environment != NULL && strcmp(cfg->environment, "production") == 0;
}
