#include "batch.h"

#include "config.h"
#include "err.h"
#include "log.h"
#include "version.h"

#include <string.h>

bool batch_common_option(const char *prog, const char *arg, void (*usage)(FILE *out),
			 int *exit_code)
{
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
		usage(stdout);
	else if (strcmp(arg, "--help-config") == 0)
		config_print_help(stdout);
	else if (strcmp(arg, "--version") == 0)
		printf("%s %s\n", prog, infrascope_version());
	else
		return false;
	*exit_code = BATCH_EX_OK;
	return true;
}

int batch_config(const char *prog, struct config *cfg)
{
	struct err e = { 0 };

	if (config_load(cfg, NULL, &e) != 0) {
		fprintf(stderr, "%s: configuration error: %s\n", prog, e.msg);
		return BATCH_EX_CONFIG;
	}
	return 0;
}

void batch_log(const char *prog, const struct config *cfg)
{
	log_init(prog, (enum log_level)log_level_parse(cfg->log_level), 2);
}
