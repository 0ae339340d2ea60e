/*
 * unit — what every cmocka test file includes. Tests print TAP ("ok N - name") so the harness
 * can count passes and failures across all suites; UNIT_MAIN runs one group and returns the
 * number of failed tests as the exit code.
 */
#ifndef INFRASCOPE_UNIT_H
#define INFRASCOPE_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define UNIT_MAIN(group)                                                                  \
	int main(void)                                                                    \
	{                                                                                 \
		cmocka_set_message_output(CM_OUTPUT_TAP);                                 \
		return cmocka_run_group_tests(group, NULL, NULL);                         \
	}

/* Path of the source tree (tests run from the top of the checkout). */
#define UNIT_SRCDIR "."

#endif
