#include "mac.h"

#include <ctype.h>
#include <string.h>

bool mac_normalize(const char *in, char out[MAC_TEXT])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char b[6] = { 0 };
	size_t nd = 0, len = in != NULL ? strlen(in) : 0;
	char sep = 0;
	bool all_zero = true, all_ff = true;

	out[0] = '\0';
	if (len != 17 && len != 14 && len != 12)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)in[i];
		const char *p;

		if (isxdigit(c)) {
			if (nd == 12)
				return false;
			p = strchr(digits, tolower(c));
			b[nd / 2] = (unsigned char)(b[nd / 2] << 4 | (unsigned)(p - digits));
			nd++;
			continue;
		}
		/* Separators: ':' or '-' after every 2 digits, '.' after every 4; one kind only. */
		if ((c != ':' && c != '-' && c != '.') || (sep != 0 && c != sep))
			return false;
		sep = (char)c;
		if ((c == '.' && (len != 14 || nd % 4 != 0)) || (c != '.' && (len != 17 || nd % 2 != 0)) ||
		    nd == 0 || (i > 0 && !isxdigit((unsigned char)in[i - 1])))
			return false;
	}
	if (nd != 12 || (len == 12 && sep != 0))
		return false;
	for (int i = 0; i < 6; i++) {
		all_zero = all_zero && b[i] == 0;
		all_ff = all_ff && b[i] == 0xff;
	}
	if (all_zero || all_ff)
		return false;
	for (int i = 0; i < 6; i++) {
		out[3 * i] = digits[b[i] >> 4];
		out[3 * i + 1] = digits[b[i] & 0xf];
		out[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	return true;
}

enum mac_verdict mac_verify(const char *stored, const char *seen)
{
	if (seen == NULL || seen[0] == '\0')
		return MAC_NOTHING_SEEN;
	if (stored == NULL || stored[0] == '\0')
		return MAC_FIRST_SEEN;
	return strcmp(stored, seen) == 0 ? MAC_MATCH : MAC_MISMATCH;
}
