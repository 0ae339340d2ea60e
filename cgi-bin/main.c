/*
 * infrascope.fcgi — the web process: FCGI_THREADS request threads on one FastCGI socket, each
 * with its own PostgreSQL connection and request arena.
 *
 * Start-up checks everything it can before listening (configuration, routes, templates,
 * string tables), so a bad deployment fails at once with a message instead of at the first
 * request. PostgreSQL may be down at start and may restart at any time: requests meanwhile
 * get 503 and the connections come back by themselves. SIGTERM/SIGINT: stop accepting, let
 * the requests in progress finish, exit 0 — libfcgi would otherwise sit in accept() until the
 * next request (TOOLCHAIN.md §3), so the listening socket is shut down to wake the threads.
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "metrics_process.h"
#include "tpl.h"
#include "version.h"

#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EX_OK = 0, EX_USAGE = 64, EX_SOFTWARE = 70, EX_OSERR = 71, EX_CONFIG = 78 };

struct app app;

static int listen_fd = -1;

struct worker {
	pthread_t tid;
	struct app_thread t;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	FCGX_Request r;
	char name[16];

	snprintf(name, sizeof name, "fcgi-%d", w->t.index);
	pthread_setname_np(pthread_self(), name);
	/* Connect early so the connection exists before the first request; failure is fine. */
	db_connect(w->t.db, NULL);
	if (FCGX_InitRequest(&r, listen_fd, 0) != 0) {
		log_msg(LOG_LEVEL_ERROR, "worker_failed", NULL, "FCGX_InitRequest failed");
		return NULL;
	}
	while (!atomic_load(&app.stopping)) {
		if (FCGX_Accept_r(&r) < 0)
			break; /* the socket was shut down: we are stopping */
		app_dispatch(&w->t, &r);
		FCGX_Finish_r(&r);
	}
	FCGX_Free(&r, 1);
	return NULL;
}

static int register_metrics(struct err *e)
{
	static const char *const request_labels[] = { "route", "method", "status" };
	static const char *const db_labels[] = { "kind" };
	static const char *const build_labels[] = { "version" };
	static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
					  0.1,   0.25,   0.5,   1,    2.5,   5 };
	struct metrics_family *build;
	const char *version[1] = { infrascope_version() };

	app.metrics = metrics_registry_new("web");
	if (app.metrics == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	app.http_requests = metrics_register(app.metrics, METRICS_COUNTER,
					     "infrascope_http_requests_total",
					     "HTTP requests answered by the web app.", 3, request_labels,
					     NULL, 0, e);
	app.http_duration = metrics_register(app.metrics, METRICS_HISTOGRAM,
					     "infrascope_http_request_duration_seconds",
					     "Time from accepting a request to writing its response.", 3,
					     request_labels, buckets, sizeof buckets / sizeof buckets[0], e);
	app.http_in_flight = metrics_register(app.metrics, METRICS_GAUGE,
					      "infrascope_http_requests_in_flight",
					      "Requests being served right now.", 0, NULL, NULL, 0, e);
	app.db_errors = metrics_register(app.metrics, METRICS_COUNTER, "infrascope_db_errors_total",
					 "Database failures seen by the web app (unavailable, query).",
					 1, db_labels, NULL, 0, e);
	build = metrics_register(app.metrics, METRICS_GAUGE, "infrascope_build_info",
				 "Always 1; the version label tells which build runs.", 1, build_labels,
				 NULL, 0, e);
	if (app.http_requests == NULL || app.http_duration == NULL || app.http_in_flight == NULL ||
	    app.db_errors == NULL || build == NULL)
		return ERR_INVALID;
	metrics_gauge_set(build, version, 1);
	metrics_gauge_set(app.http_in_flight, NULL, 0);
	return metrics_process_register(app.metrics, e);
}

/* Everything that can be checked without the network: configuration, routes, templates. */
static int startup_checks(struct err *e)
{
	char msg[ERR_MSG_MAX];
	char dir[4096];
	int rc;

	rc = http_routes_check(app_routes, app_nroutes, e);
	if (rc != 0)
		return rc;
	rc = auth_init(e);
	if (rc != 0)
		return rc;
	if (tpl_init(app.cfg.template_dir, msg, sizeof msg) != 0)
		return err_set(e, ERR_INVALID, "TEMPLATE_DIR: %s", msg);
	snprintf(dir, sizeof dir, "%s/i18n", app.cfg.template_dir);
	rc = i18n_load(dir, e);
	if (rc != 0)
		return rc;
	return register_metrics(e);
}

static int open_socket(struct err *e)
{
	const char *path = app.cfg.fcgi_socket;
	mode_t old;

	/* The socket file is created under a strict umask, then opened up to the configured mode. */
	old = umask(0177);
	listen_fd = FCGX_OpenSocket(path, app.cfg.fcgi_backlog);
	umask(old);
	if (listen_fd < 0)
		return err_set(e, ERR_IO, "FCGI_SOCKET=%s: cannot listen: %s", path,
			       errno != 0 ? strerror(errno) : "unknown error");
	if (path[0] == '/' && chmod(path, (mode_t)app.cfg.fcgi_socket_mode) != 0)
		return err_set(e, ERR_IO, "FCGI_SOCKET=%s: chmod: %s", path, strerror(errno));
	return 0;
}

/* The route table as "METHODS PATTERN ACCESS NAME" lines (tests walk it; operators read it). */
static void print_routes(FILE *out)
{
	for (size_t i = 0; i < app_nroutes; i++) {
		char methods[96];

		http_methods_format(app_routes[i].methods, methods, sizeof methods);
		for (char *p = methods; *p != '\0'; p++)
			if (*p == ' ')
				memmove(p, p + 1, strlen(p));
		fprintf(out, "%s %s %s %s\n", methods, app_routes[i].pattern,
			app_routes[i].access == ACCESS_PUBLIC
				? "public"
				: user_role_name((enum user_role)app_routes[i].access),
			app_routes[i].name);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: infrascope.fcgi [--check-config] [--help-config] [--routes] [--version]\n"
		"  Serves InfraScope over FastCGI on FCGI_SOCKET (run behind nginx).\n"
		"  --check-config  validate configuration, templates and string tables, then exit\n"
		"  --help-config   list the environment variables and their accepted values\n"
		"  --routes        list every route: methods, pattern, who may call it, name\n");
}

static int run(void)
{
	struct worker *workers;
	struct err e = { 0 };
	sigset_t stop_signals;
	int sig = 0, started = 0;

	if (open_socket(&e) != 0) {
		fprintf(stderr, "infrascope.fcgi: %s\n", e.msg);
		return EX_OSERR;
	}
	/* Block the stop signals in every thread; main() waits for them with sigwait(). */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	workers = calloc((size_t)app.cfg.fcgi_threads, sizeof *workers);
	if (workers == NULL) {
		fprintf(stderr, "infrascope.fcgi: out of memory\n");
		return EX_OSERR;
	}
	for (int i = 0; i < app.cfg.fcgi_threads; i++) {
		struct worker *w = &workers[i];

		w->t.index = i;
		w->t.db = db_new(&app.cfg, "infrascope-web");
		/* Per-request bound: the body plus room for parsing and the rendered response. */
		w->t.arena = arena_new(64 * 1024, (size_t)app.cfg.http_max_body_bytes + (48u << 20));
		if (w->t.db == NULL || w->t.arena == NULL ||
		    pthread_create(&w->tid, NULL, worker_main, w) != 0) {
			db_free(w->t.db);
			arena_free(w->t.arena);
			fprintf(stderr, "infrascope.fcgi: cannot start request thread %d\n", i);
			atomic_store(&app.stopping, true);
			break;
		}
		started++;
	}
	{
		struct log_line l;

		log_begin(&l, LOG_LEVEL_INFO, "started", NULL);
		log_str(&l, "version", infrascope_version());
		log_str(&l, "socket", app.cfg.fcgi_socket);
		log_int(&l, "threads", started);
		log_end(&l);
	}
	if (!atomic_load(&app.stopping))
		sigwait(&stop_signals, &sig);
	atomic_store(&app.stopping, true);
	FCGX_ShutdownPending();
	shutdown(listen_fd, SHUT_RDWR);
	for (int i = 0; i < started; i++) {
		pthread_join(workers[i].tid, NULL);
		db_free(workers[i].t.db);
		arena_free(workers[i].t.arena);
	}
	close(listen_fd);
	if (app.cfg.fcgi_socket[0] == '/')
		unlink(app.cfg.fcgi_socket);
	free(workers);
	log_msg(LOG_LEVEL_INFO, "stopped", NULL, "signal %d", sig);
	return started == app.cfg.fcgi_threads ? EX_OK : EX_OSERR;
}

int main(int argc, char **argv)
{
	struct err e = { 0 };
	bool check_only = false;
	int code;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--check-config") == 0) {
			check_only = true;
		} else if (strcmp(argv[i], "--help-config") == 0) {
			config_print_help(stdout);
			return EX_OK;
		} else if (strcmp(argv[i], "--routes") == 0) {
			print_routes(stdout);
			return EX_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("infrascope.fcgi %s\n", infrascope_version());
			return EX_OK;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EX_OK;
		} else {
			fprintf(stderr, "infrascope.fcgi: unknown option %s\n", argv[i]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (config_load(&app.cfg, NULL, &e) != 0) {
		fprintf(stderr, "infrascope.fcgi: configuration error: %s\n", e.msg);
		return EX_CONFIG;
	}
	log_init("infrascope.fcgi", (enum log_level)log_level_parse(app.cfg.log_level), 2);
	app.started = time(NULL);
	if (startup_checks(&e) != 0) {
		fprintf(stderr, "infrascope.fcgi: start-up check failed: %s\n", e.msg);
		code = EX_CONFIG;
		goto out;
	}
	if (check_only) {
		printf("configuration, templates and string tables are valid\n");
		code = EX_OK;
		goto out;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "infrascope.fcgi: FCGX_Init failed\n");
		code = EX_SOFTWARE;
		goto out;
	}
	code = run();
out:
	metrics_registry_free(app.metrics);
	i18n_unload();
	config_free(&app.cfg);
	return code;
}
