/*
 * snmp-run — drive lib/snmp.h's engine over a whole fleet file, for the scale tests
 * (tests/integration/snmp_engine.sh). Test code: never installed.
 *
 *   snmp-run --fleet FILE [--concurrency N] [--timeout-ms MS] [--retries N] [--no-v1-fallback]
 *            [--repetitions N] [--get OID ...] [--walk OID ...] [--each]
 *
 * FILE is a fleet file as infrascope-sim writes it (`--write-fleet`, tests/sim/README.md):
 * one device per line, `ADDRESS[:PORT] COMMUNITY SNMPREC_FILE [key=value ...]`, `#` comments,
 * blank-separated words, double quotes group, backslash escapes; only the first three words
 * are used. Every device becomes one job asking the same OIDs (when neither --get nor --walk
 * is given: GET sysDescr.0, sysObjectID.0, sysName.0 and a walk of prtMarkerSuppliesTable
 * 1.3.6.1.2.1.43.11.1.1), and one snmp_run() call runs them all with the given concurrency
 * (the other options default to snmp_options_default()). Built by `make tests` as
 * build/$(VARIANT)/tools/snmp-run.
 *
 * Output: with --each one line per device, in fleet order,
 *   ADDRESS:PORT SNMPREC_BASENAME STATUS NVARBINDS [MESSAGE]
 * then always one summary line:
 *   jobs=N ok=N timeout=N error=N varbinds=N truncated=N
 * (error = error_status + bad_answer + local_error). Exit 0 when the run completed (whatever
 * the devices did), 64 usage, 66 the fleet file cannot be read or has a bad line, 70 snmp_run
 * failed, 71 not enough file descriptors for the concurrency (raise ulimit -n).
 */
#include "arena.h"
#include "err.h"
#include "snmp.h"
#include "snmp_value.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MAX_WORD 4096

struct device {
	char *host;
	unsigned port;
	char *community;
	const char *walk_file; /* basename of the SNMPREC_FILE word */
};

static void usage(void)
{
	fprintf(stderr,
		"usage: snmp-run --fleet FILE [--concurrency N] [--timeout-ms MS] [--retries N]\n"
		"                [--no-v1-fallback] [--repetitions N] [--get OID ...] [--walk OID ...]\n"
		"                [--each]\n");
	exit(64);
}

static long number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "snmp-run: %s needs an integer from %ld to %ld, not \"%s\"\n", opt, lo,
			hi, s);
		exit(64);
	}
	return v;
}

/*
 * next_word — the next blank-separated word of *p into out (outsize bytes), with double quotes
 * grouping and backslash escapes. Returns 1 with a word, 0 at the end of the line (or a '#'
 * comment starting a word), -1 for an unterminated quote or a word longer than outsize - 1.
 */
static int next_word(const char **p, char *out, size_t outsize)
{
	const char *s = *p;
	size_t n = 0;
	bool quoted = false;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\n' || *s == '\r' || *s == '#') {
		*p = s;
		return 0;
	}
	while (*s != '\0' && *s != '\n' && *s != '\r' && (quoted || (*s != ' ' && *s != '\t'))) {
		char c = *s++;

		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == '\\' && *s != '\0' && *s != '\n')
			c = *s++;
		if (n + 1 >= outsize)
			return -1;
		out[n++] = c;
	}
	if (quoted)
		return -1;
	out[n] = '\0';
	*p = s;
	return 1;
}

/* "a.b.c.d[:port]" → host (arena copy) and port (default 161). */
static int split_address(const char *w, struct arena *a, struct device *d)
{
	const char *colon = strrchr(w, ':');

	d->port = 161;
	if (colon != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || *end != '\0' || v < 1 || v > 65535)
			return -1;
		d->port = (unsigned)v;
	}
	d->host = arena_strndup(a, w, colon != NULL ? (size_t)(colon - w) : strlen(w));
	return d->host != NULL && d->host[0] != '\0' ? 0 : -1;
}

/* Read the fleet file into a malloc'd array of devices (strings in a). */
static struct device *read_fleet(const char *path, struct arena *a, size_t *n)
{
	FILE *f = fopen(path, "r");
	struct device *devs = NULL;
	size_t cap = 0, lineno = 0;
	char *line = NULL;
	size_t linecap = 0;
	static char w[3][MAX_WORD];

	*n = 0;
	if (f == NULL) {
		fprintf(stderr, "snmp-run: %s: %s\n", path, strerror(errno));
		exit(66);
	}
	while (getline(&line, &linecap, f) >= 0) {
		const char *p = line;
		int got = 0, r = 0;
		struct device d;
		const char *slash;

		lineno++;
		while (got < 3 && (r = next_word(&p, w[got], sizeof w[got])) == 1)
			got++;
		if (got == 0 && r == 0)
			continue; /* blank or comment */
		if (got < 3 || split_address(w[0], a, &d) != 0) {
			fprintf(stderr, "snmp-run: %s:%zu: expected ADDRESS[:PORT] COMMUNITY FILE\n", path,
				lineno);
			exit(66);
		}
		slash = strrchr(w[2], '/');
		d.community = arena_strdup(a, w[1]);
		d.walk_file = arena_strdup(a, slash != NULL ? slash + 1 : w[2]);
		if (d.community == NULL || d.walk_file == NULL) {
			fprintf(stderr, "snmp-run: out of memory\n");
			exit(70);
		}
		if (*n == cap) {
			size_t ncap = cap == 0 ? 1024 : cap * 2;
			struct device *nd = realloc(devs, ncap * sizeof *devs);

			if (nd == NULL) {
				fprintf(stderr, "snmp-run: out of memory\n");
				exit(70);
			}
			devs = nd;
			cap = ncap;
		}
		devs[(*n)++] = d;
	}
	free(line);
	fclose(f);
	return devs;
}

static void add_oid(struct snmp_oid *list, size_t *n, size_t max, const char *opt, const char *text)
{
	if (*n == max) {
		fprintf(stderr, "snmp-run: at most %zu %s\n", max, opt);
		exit(64);
	}
	if (snmp_oid_parse(text, &list[*n]) != 0) {
		fprintf(stderr, "snmp-run: %s %s: not a numeric OID\n", opt, text);
		exit(64);
	}
	(*n)++;
}

int main(int argc, char **argv)
{
	static struct snmp_oid gets[SNMP_MAX_GETS], walks[SNMP_MAX_WALKS];
	size_t ngets = 0, nwalks = 0, ndev = 0;
	const char *fleet = NULL;
	bool each = false;
	struct snmp_options o = snmp_options_default();
	struct arena *a = arena_new(1u << 20, 0);
	struct device *devs;
	struct snmp_job *jobs = NULL;
	struct rlimit rl;
	struct err e = { 0 };
	size_t ok = 0, timeout = 0, error = 0, varbinds = 0, truncated = 0;
	int rc = 0;

	if (a == NULL) {
		fprintf(stderr, "snmp-run: out of memory\n");
		return 70;
	}
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--each") == 0) {
			each = true;
		} else if (strcmp(opt, "--no-v1-fallback") == 0) {
			o.v1_fallback = false;
		} else if (val == NULL) {
			usage();
		} else if (strcmp(opt, "--fleet") == 0) {
			fleet = val;
			i++;
		} else if (strcmp(opt, "--concurrency") == 0) {
			o.concurrency = (int)number(opt, val, 1, 100000);
			i++;
		} else if (strcmp(opt, "--timeout-ms") == 0) {
			o.timeout_ms = (int)number(opt, val, 1, 600000);
			i++;
		} else if (strcmp(opt, "--retries") == 0) {
			o.retries = (int)number(opt, val, 0, 10);
			i++;
		} else if (strcmp(opt, "--repetitions") == 0) {
			o.bulk_repetitions = (int)number(opt, val, 1, 1000);
			i++;
		} else if (strcmp(opt, "--get") == 0) {
			add_oid(gets, &ngets, SNMP_MAX_GETS, opt, val);
			i++;
		} else if (strcmp(opt, "--walk") == 0) {
			add_oid(walks, &nwalks, SNMP_MAX_WALKS, opt, val);
			i++;
		} else {
			usage();
		}
	}
	if (fleet == NULL)
		usage();
	if (ngets == 0 && nwalks == 0) {
		add_oid(gets, &ngets, SNMP_MAX_GETS, "--get", "1.3.6.1.2.1.1.1.0");
		add_oid(gets, &ngets, SNMP_MAX_GETS, "--get", "1.3.6.1.2.1.1.2.0");
		add_oid(gets, &ngets, SNMP_MAX_GETS, "--get", "1.3.6.1.2.1.1.5.0");
		add_oid(walks, &nwalks, SNMP_MAX_WALKS, "--walk", "1.3.6.1.2.1.43.11.1.1");
	}
	devs = read_fleet(fleet, a, &ndev);

	/* One socket per job in flight, plus stdio and net-snmp's own: fail clearly, not with
	 * a pile of local errors, when the descriptor limit is too low. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		size_t inflight = ndev < (size_t)o.concurrency ? ndev : (size_t)o.concurrency;

		if (inflight + 32 > rl.rlim_cur) {
			fprintf(stderr, "snmp-run: %zu jobs in flight need %zu file descriptors; the limit "
					"is %llu (raise ulimit -n)\n",
				inflight, inflight + 32, (unsigned long long)rl.rlim_cur);
			rc = 71;
			goto out;
		}
	}

	jobs = calloc(ndev > 0 ? ndev : 1, sizeof *jobs);
	if (jobs == NULL) {
		fprintf(stderr, "snmp-run: out of memory\n");
		rc = 70;
		goto out;
	}
	for (size_t i = 0; i < ndev; i++) {
		jobs[i].host = devs[i].host;
		jobs[i].port = devs[i].port;
		jobs[i].community = devs[i].community;
		jobs[i].gets = gets;
		jobs[i].ngets = ngets;
		jobs[i].walks = walks;
		jobs[i].nwalks = nwalks;
	}
	if (snmp_run(&o, jobs, ndev, a, &e) != 0) {
		fprintf(stderr, "snmp-run: %s\n", e.msg);
		rc = 70;
		goto out;
	}
	for (size_t i = 0; i < ndev; i++) {
		const struct snmp_job *j = &jobs[i];

		if (j->status == SNMP_OK)
			ok++;
		else if (j->status == SNMP_TIMEOUT)
			timeout++;
		else
			error++;
		varbinds += j->nvbs;
		truncated += j->truncated;
		if (each)
			printf("%s:%u %s %s %zu%s%s\n", devs[i].host, devs[i].port, devs[i].walk_file,
			       snmp_status_name(j->status), j->nvbs, j->message[0] ? " " : "",
			       j->message);
	}
	printf("jobs=%zu ok=%zu timeout=%zu error=%zu varbinds=%zu truncated=%zu\n", ndev, ok,
	       timeout, error, varbinds, truncated);
out:
	free(jobs);
	free(devs);
	arena_free(a);
	return rc;
}
