/* version — the release and git revision this build came from ("0.1.0+1a2b3c4"). */
#ifndef INFRASCOPE_VERSION_H
#define INFRASCOPE_VERSION_H

const char *infrascope_version(void);

#endif
