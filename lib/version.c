#include "version.h"

#include "version_gen.h"

const char *infrascope_version(void)
{
	return INFRASCOPE_VERSION;
}
