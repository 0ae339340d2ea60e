#include "metrics_process.h"

#include "metrics.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static struct metrics_family *cpu, *rss, *vsz, *open_fds, *max_fds, *threads, *start_time;

int metrics_process_register(struct metrics_registry *r, struct err *e)
{
	struct timespec now;

	cpu = metrics_register(r, METRICS_COUNTER, "process_cpu_seconds_total",
			       "Total user and system CPU time spent in seconds.", 0, NULL, NULL, 0, e);
	rss = metrics_register(r, METRICS_GAUGE, "process_resident_memory_bytes",
			       "Resident memory size in bytes.", 0, NULL, NULL, 0, e);
	vsz = metrics_register(r, METRICS_GAUGE, "process_virtual_memory_bytes",
			       "Virtual memory size in bytes.", 0, NULL, NULL, 0, e);
	open_fds = metrics_register(r, METRICS_GAUGE, "process_open_fds",
				    "Number of open file descriptors.", 0, NULL, NULL, 0, e);
	max_fds = metrics_register(r, METRICS_GAUGE, "process_max_fds",
				   "Maximum number of open file descriptors.", 0, NULL, NULL, 0, e);
	threads = metrics_register(r, METRICS_GAUGE, "process_threads",
				   "Number of OS threads in the process.", 0, NULL, NULL, 0, e);
	start_time = metrics_register(r, METRICS_GAUGE, "process_start_time_seconds",
				      "Start time of the process since unix epoch in seconds.", 0, NULL,
				      NULL, 0, e);
	if (cpu == NULL || rss == NULL || vsz == NULL || open_fds == NULL || max_fds == NULL ||
	    threads == NULL || start_time == NULL)
		return e != NULL && e->code != ERR_OK ? e->code : ERR_INTERNAL;
	/* Registration happens at start-up: "now" is the process start to well under a second. */
	clock_gettime(CLOCK_REALTIME, &now);
	metrics_gauge_set(start_time, NULL, (double)now.tv_sec);
	return 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory stream's own descriptor */
}

void metrics_process_collect(void)
{
	FILE *f;
	struct rlimit rl;
	long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	int fds;

	f = fopen("/proc/self/stat", "r");
	if (f != NULL) {
		char buf[1024];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		char *p;
		unsigned long utime, stime, vsize;
		long nthreads, rss_pages;

		buf[n] = '\0';
		fclose(f);
		/* Fields after the command name, which may contain spaces, start after the last ')'. */
		p = strrchr(buf, ')');
		if (p != NULL && ticks > 0 &&
		    sscanf(p + 2,
			   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d %ld "
			   "%*d %*u %lu %ld",
			   &utime, &stime, &nthreads, &vsize, &rss_pages) == 5) {
			metrics_counter_set(cpu, NULL, (double)(utime + stime) / (double)ticks);
			metrics_gauge_set(threads, NULL, (double)nthreads);
			metrics_gauge_set(vsz, NULL, (double)vsize);
			metrics_gauge_set(rss, NULL, (double)rss_pages * (double)page);
		}
	}
	fds = count_fds();
	if (fds >= 0)
		metrics_gauge_set(open_fds, NULL, fds);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		metrics_gauge_set(max_fds, NULL, rl.rlim_cur == RLIM_INFINITY ? -1 : (double)rl.rlim_cur);
}
