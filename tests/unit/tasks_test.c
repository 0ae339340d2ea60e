#include "unit.h"

#include "err.h"
#include "json.h"
#include "tasks.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The pure rules of tasks (kinds, states, a poll-all's scope: validation, equality, the JSON
 * of a request and of an answer) and the two process helpers: tasks_spawn (what the spawned
 * program inherits: no descriptor but 0-2, /dev/null in and out, a session of its own, an
 * empty signal mask; the first process is reaped) and tasks_process_alive.
 * tests/integration/tasks.sh covers the database side and the real infrascope-task.
 */

static void kinds_and_states(void **state)
{
	(void)state;
	assert_true(task_kind_valid("poll_all"));
	assert_false(task_kind_valid("poll-all"));
	assert_false(task_kind_valid(""));
	assert_false(task_kind_valid(NULL));
	for (const char *const *s = (const char *const[]){ "queued", "running", "done", "failed",
							    NULL };
	     *s != NULL; s++)
		assert_true(task_state_valid(*s));
	assert_false(task_state_valid("QUEUED"));
	assert_false(task_state_valid("pending"));
	assert_false(task_state_valid(NULL));
	assert_true(task_state_active("queued"));
	assert_true(task_state_active("running"));
	assert_false(task_state_active("done"));
	assert_false(task_state_active("failed"));
	assert_false(task_state_active(NULL));
}

static void scope_check(void **state)
{
	(void)state;
	struct err e;

	assert_int_equal(task_scope_check(&(struct task_scope){ 0 }, NULL), 0);
	assert_int_equal(task_scope_check(&(struct task_scope){ "MSK-014", "laser_printer" }, NULL),
			 0);
	assert_int_equal(task_scope_check(&(struct task_scope){ "МСК-014", "label_printer" }, NULL),
			 0);
	assert_int_equal(task_scope_check(&(struct task_scope){ "17", NULL }, NULL), 0);
	err_clear(&e);
	assert_int_equal(task_scope_check(&(struct task_scope){ NULL, "inkjet" }, &e), ERR_INVALID);
	assert_string_equal(e.msg, "kind: must be laser_printer or label_printer, or null");
	err_clear(&e);
	assert_int_equal(task_scope_check(&(struct task_scope){ NULL, "switch" }, &e), ERR_INVALID);
	err_clear(&e);
	assert_int_equal(task_scope_check(&(struct task_scope){ "MSK 014", NULL }, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "store: "));
	err_clear(&e);
	assert_int_equal(task_scope_check(&(struct task_scope){ "", NULL }, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "store: "));
}

static void scope_equality(void **state)
{
	(void)state;
	const struct task_scope all = { 0 }, store = { "MSK-014", NULL },
				laser = { NULL, "laser_printer" },
				both = { "MSK-014", "laser_printer" };
	char copy[] = "MSK-014";

	assert_true(task_scope_equal(&all, &all));
	assert_true(task_scope_equal(&store, &(struct task_scope){ copy, NULL }));
	assert_true(task_scope_equal(&both, &(struct task_scope){ copy, "laser_printer" }));
	/* One store is not all stores, one kind not both kinds: each is a scope of its own. */
	assert_false(task_scope_equal(&all, &store));
	assert_false(task_scope_equal(&store, &all));
	assert_false(task_scope_equal(&all, &laser));
	assert_false(task_scope_equal(&store, &both));
	assert_false(task_scope_equal(&laser, &both));
	assert_false(task_scope_equal(&store, &(struct task_scope){ "MSK-015", NULL }));
	assert_false(task_scope_equal(&laser, &(struct task_scope){ NULL, "label_printer" }));
}

/* Parse text as a body and read the scope from it. */
static int scope_of(const char *text, struct task_scope *s, struct err *e, json_object **keep)
{
	*keep = NULL;
	if (text != NULL)
		assert_int_equal(json_parse(text, strlen(text), keep, NULL), 0);
	return task_scope_from_json(*keep, s, e);
}

static void scope_from_body(void **state)
{
	(void)state;
	static const struct {
		const char *body, *store, *kind;
	} good[] = {
		{ NULL, NULL, NULL },
		{ "{}", NULL, NULL },
		{ "{\"store\":null,\"kind\":null}", NULL, NULL },
		{ "{\"store\":\"MSK-014\"}", "MSK-014", NULL },
		{ "{\"kind\":\"label_printer\"}", NULL, "label_printer" },
		{ "{\"store\":\"мск-014\",\"kind\":\"laser_printer\"}", "мск-014", "laser_printer" },
	};
	static const struct {
		const char *body, *msg;
	} bad[] = {
		{ "[]", "the body must be a JSON object (or empty)" },
		{ "\"MSK-014\"", "the body must be a JSON object (or empty)" },
		{ "{\"store\":14}", "store: must be a string or null" },
		{ "{\"kind\":true}", "kind: must be a string or null" },
		{ "{\"kind\":\"inkjet\"}", "kind: must be laser_printer or label_printer, or null" },
		{ "{\"store\":\"a b\"}", "store: " },
		{ "{\"store\":\"\"}", "store: " },
		{ "{\"stores\":\"MSK-014\"}", "unknown field \"stores\"; known: store, kind" },
		{ "{\"store\":\"A\\u0000B\"}", "store: must not contain NUL characters" },
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct task_scope s;
		json_object *body;
		struct err e = { 0 };

		assert_int_equal(scope_of(good[i].body, &s, &e, &body), 0);
		if (good[i].store == NULL)
			assert_null(s.store);
		else
			assert_string_equal(s.store, good[i].store);
		if (good[i].kind == NULL)
			assert_null(s.kind);
		else
			assert_string_equal(s.kind, good[i].kind);
		json_object_put(body);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct task_scope s;
		json_object *body;
		struct err e = { 0 };

		assert_int_equal(scope_of(bad[i].body, &s, &e, &body), ERR_INVALID);
		if (strstr(e.msg, bad[i].msg) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", bad[i].body, e.msg, bad[i].msg);
		json_object_put(body);
	}
}

static void scope_to_json(void **state)
{
	(void)state;
	json_object *o = task_scope_json(&(struct task_scope){ "MSK-014", NULL });

	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "{\"store\":\"MSK-014\",\"kind\":null}");
	json_object_put(o);
	o = task_scope_json(&(struct task_scope){ NULL, "label_printer" });
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "{\"store\":null,\"kind\":\"label_printer\"}");
	json_object_put(o);
}

/* ---- processes ---- */

static char dir[64];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static char *read_all(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Wait up to 5 s for path to exist (the detached second process writes it). */
static char *wait_for(const char *path)
{
	for (int i = 0; i < 500; i++) {
		char *s = read_all(path);

		if (s != NULL && strstr(s, "end\n") != NULL)
			return s;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return NULL;
}

static void spawn_inherits_nothing(void **state)
{
	(void)state;
	char prog[128], out[128], script[1024];
	int sv[2];
	struct err e = { 0 };
	sigset_t stop, old;
	void (*old_pipe)(int);
	char *got;

	snprintf(dir, sizeof dir, "/tmp/tasks_test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(prog, sizeof prog, "%s/%s", dir, TASKS_PROGRAM);
	snprintf(out, sizeof out, "%s/out", dir);
	/* A stand-in for infrascope-task: it writes down what it was given and exits 0, as the
	 * real one's first process does once the second runs. */
	snprintf(script, sizeof script,
		 "#!/bin/sh\n"
		 "while read -r k v; do case $k in SigBlk:|SigIgn:) eval \"${k%%:}=$v\";; esac; "
		 "done < /proc/$$/status\n"
		 "o1=$(readlink /proc/$$/fd/1)\n"
		 "{\n"
		 "  echo \"args $*\"\n"
		 "  echo \"stdout $o1\"\n"
		 "  read -r _ _ _ _ _ sid _ < /proc/$$/stat; echo \"sid $sid pid $$\"\n"
		 "  echo \"blocked $SigBlk ignored $SigIgn\"\n"
		 "  ls -l /proc/$$/fd/\n"
		 "  echo end\n"
		 "} > %s.tmp 2>&1 && mv %s.tmp %s\n"
		 "exit 0\n",
		 out, out, out);
	write_file(prog, script, 0755);

	/* The process the way the web app is: a socket without O_CLOEXEC, the stop signals
	 * blocked (main() waits for them with sigwait), SIGPIPE ignored. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	assert_int_equal(sigprocmask(SIG_BLOCK, &stop, &old), 0);
	old_pipe = signal(SIGPIPE, SIG_IGN);
	assert_int_equal(tasks_spawn(dir, 42, &e), 0);
	signal(SIGPIPE, old_pipe);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(sv[0]);
	close(sv[1]);
	got = wait_for(out);
	assert_non_null(got);
	assert_non_null(strstr(got, "args --detach 42\n"));
	assert_non_null(strstr(got, "stdout /dev/null\n"));
	assert_non_null(strstr(got, " 0 -> /dev/null\n"));
	/* "... N -> target" per descriptor: no socket or pipe but our stderr (whatever the test
	 * runs with; the shell keeps a copy of it around its redirections). */
	{
		char mine[256] = "";
		ssize_t n = readlink("/proc/self/fd/2", mine, sizeof mine - 1);

		mine[n > 0 ? n : 0] = '\0';
		for (const char *arrow = strstr(got, " -> "); arrow != NULL;
		     arrow = strstr(arrow + 1, " -> ")) {
			const char *target = arrow + 4;
			size_t len = strcspn(target, "\n");

			if ((strncmp(target, "socket:", 7) == 0 || strncmp(target, "pipe:", 5) == 0) &&
			    !(len == strlen(mine) && strncmp(target, mine, len) == 0))
				fail_msg("the spawned program inherited %.*s:\n%s", (int)len, target,
					 got);
		}
	}
	{
		/* Its own session: the shell (the spawned process) leads it. */
		int sid = -1, pid = -2;
		const char *l = strstr(got, "sid ");

		assert_non_null(l);
		assert_int_equal(sscanf(l, "sid %d pid %d", &sid, &pid), 2);
		assert_int_equal(sid, pid);
	}
	{
		/* As the program found itself, before it ran anything: nothing blocked, SIGPIPE
		 * (and everything else) at its default. */
		unsigned long long blocked = 1, ignored = 1;
		const char *l = strstr(got, "blocked ");

		assert_non_null(l);
		assert_int_equal(sscanf(l, "blocked %llx ignored %llx", &blocked, &ignored), 2);
		if (blocked != 0 || (ignored & (1ull << (SIGPIPE - 1))) != 0)
			fail_msg("signals blocked %llx, ignored %llx:\n%s", blocked, ignored, got);
	}
}

static void spawn_failures(void **state)
{
	(void)state;
	char prog[128];
	struct err e = { 0 };

	assert_int_equal(tasks_spawn("/nonexistent-dir", 1, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "/nonexistent-dir/infrascope-task"));
	err_clear(&e);
	assert_int_equal(tasks_spawn("", 1, &e), ERR_INVALID);
	/* A program that does not detach (exits non-zero) is reported. */
	snprintf(prog, sizeof prog, "%s/%s", dir, TASKS_PROGRAM);
	write_file(prog, "#!/bin/sh\nexit 78\n", 0755);
	err_clear(&e);
	assert_int_equal(tasks_spawn(dir, 1, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "did not detach (exit status 78)"));
	unlink(prog);
	{
		char out[128];

		snprintf(out, sizeof out, "%s/out", dir);
		unlink(out);
	}
	rmdir(dir);
}

static void process_alive(void **state)
{
	(void)state;
	pid_t child;
	int status;

	assert_false(tasks_process_alive(0));
	assert_false(tasks_process_alive(-1));
	/* This test program is alive but is no infrascope-task: a pid taken over counts as gone. */
	assert_false(tasks_process_alive((int)getpid()));
	/* A zombie has ended. */
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
	assert_false(tasks_process_alive((int)child));
	assert_int_equal(waitpid(child, &status, 0), child);
	/* Gone altogether. */
	assert_false(tasks_process_alive((int)child));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(kinds_and_states),
	cmocka_unit_test(scope_check),
	cmocka_unit_test(scope_equality),
	cmocka_unit_test(scope_from_body),
	cmocka_unit_test(scope_to_json),
	cmocka_unit_test(spawn_inherits_nothing),
	cmocka_unit_test(spawn_failures),
	cmocka_unit_test(process_alive),
};

UNIT_MAIN(tests)
