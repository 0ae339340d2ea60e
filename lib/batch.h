/*
 * batch — what every batch program (batch/infrascope-*) does the same way: the options every
 * one of them answers (--help, --help-config, --version), loading the settings with the
 * message and exit code 78 on a bad value, and starting the log. Exit codes follow
 * sysexits(3), shared here so all programs mean the same by them.
 */
#ifndef INFRASCOPE_BATCH_H
#define INFRASCOPE_BATCH_H

#include <stdbool.h>
#include <stdio.h>

struct config;

enum batch_exit {
	BATCH_EX_OK = 0,
	BATCH_EX_USAGE = 64,
	BATCH_EX_DATAERR = 65,
	BATCH_EX_UNAVAILABLE = 69,
	BATCH_EX_SOFTWARE = 70,
	BATCH_EX_TEMPFAIL = 75,
	BATCH_EX_CONFIG = 78,
};

/*
 * batch_common_option — when arg is --help/-h, --help-config or --version, answer it on
 * stdout (usage(stdout) for help; "PROG VERSION" for the version), set *exit_code to 0 and
 * return true: the program then exits with it. false for any other argument.
 */
bool batch_common_option(const char *prog, const char *arg, void (*usage)(FILE *out),
			 int *exit_code);

/*
 * batch_config — load the settings into cfg; on a bad value print
 * "PROG: configuration error: ..." on stderr and return BATCH_EX_CONFIG (cfg then holds
 * nothing to free), else 0.
 */
int batch_config(const char *prog, struct config *cfg);

/* batch_log — start the key=value log on stderr at the configured level. */
void batch_log(const char *prog, const struct config *cfg);

#endif
