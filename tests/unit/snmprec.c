#include "snmprec.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILE (64u << 20)

static bool is_dir(const char *path)
{
	return access(path, R_OK | X_OK) == 0;
}

const char *snmprec_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("SNMPREC_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return env;
	if (dir[0] != '\0')
		return dir;
	/* <repo>/build/<variant>/tests/<binary>  ->  <repo>/tests/fixtures/snmprec */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');

			if (slash == NULL)
				break;
			*slash = '\0';
		}
		if (exe[0] != '\0' &&
		    (size_t)snprintf(dir, sizeof dir, "%s/tests/fixtures/snmprec", exe) < sizeof dir &&
		    is_dir(dir))
			return dir;
	}
	snprintf(dir, sizeof dir, "%s", "tests/fixtures/snmprec");
	return dir;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex text in place-independent buffer out (len/2 bytes). False on odd/invalid. */
static bool unhex(const char *s, size_t n, unsigned char *out, size_t *out_len)
{
	if (n % 2 != 0)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int h = hexval(s[i]), l = hexval(s[i + 1]);

		if (h < 0 || l < 0)
			return false;
		out[i / 2] = (unsigned char)(h << 4 | l);
	}
	*out_len = n / 2;
	return true;
}

static bool parse_i64(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
	char buf[32];
	char *end;
	long long v;

	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* One record; false when the line is to be skipped. */
static bool parse_line(const char *line, size_t n, struct snmp_varbind *vb, unsigned char *buf)
{
	const char *bar1 = memchr(line, '|', n), *bar2, *tag, *val;
	size_t taglen, vlen;
	unsigned long tagnum;
	bool hex = false;
	int64_t iv;
	char *end;
	char tagbuf[32];

	if (bar1 == NULL)
		return false;
	bar2 = memchr(bar1 + 1, '|', (size_t)(line + n - bar1 - 1));
	if (bar2 == NULL || snmp_oid_parse_n(line, (size_t)(bar1 - line), &vb->oid) != 0)
		return false;
	tag = bar1 + 1;
	taglen = (size_t)(bar2 - tag);
	val = bar2 + 1;
	vlen = (size_t)(line + n - val);
	if (taglen == 0 || taglen >= sizeof tagbuf)
		return false;
	memcpy(tagbuf, tag, taglen);
	tagbuf[taglen] = '\0';
	tagnum = strtoul(tagbuf, &end, 10);
	if (end == tagbuf)
		return false;
	if (*end == 'x') {
		hex = true;
		end++;
	}
	if (*end == ':') {
		/* A variation module: only writecache holds a literal value. */
		if (strcmp(end + 1, "writecache") != 0 || vlen < 6 || memcmp(val, "value=", 6) != 0)
			return false;
		val += 6;
		vlen -= 6;
	} else if (*end != '\0') {
		return false;
	}

	if (hex) {
		if (!unhex(val, vlen, buf, &vlen))
			return false;
		val = (const char *)buf;
	}
	switch (tagnum) {
	case 2:
		vb->type = SNMP_TYPE_INTEGER;
		return parse_i64(val, vlen, INT32_MIN, INT32_MAX, &vb->integer);
	case 4:
	case 68:
		vb->type = tagnum == 4 ? SNMP_TYPE_OCTET_STRING : SNMP_TYPE_OPAQUE;
		vb->bytes = (const unsigned char *)val;
		vb->len = vlen;
		return true;
	case 5:
		vb->type = SNMP_TYPE_NULL;
		return true;
	case 6:
		vb->type = SNMP_TYPE_OID;
		return snmp_oid_parse_n(val, vlen, &vb->oid_value) == 0;
	case 64:
		vb->type = SNMP_TYPE_IPADDRESS;
		if (hex) {
			vb->bytes = (const unsigned char *)val;
			vb->len = vlen;
			return vlen == 4;
		} else {
			struct snmp_oid quad; /* "a.b.c.d": four components 0..255 */

			if (snmp_oid_parse_n(val, vlen, &quad) != 0 || quad.len != 4)
				return false;
			for (int i = 0; i < 4; i++) {
				if (quad.sub[i] > 255)
					return false;
				buf[i] = (unsigned char)quad.sub[i];
			}
			vb->bytes = buf;
			vb->len = 4;
			return true;
		}
	case 65:
	case 66:
	case 67:
		vb->type = tagnum == 65 ? SNMP_TYPE_COUNTER32
			   : tagnum == 66 ? SNMP_TYPE_GAUGE32
					  : SNMP_TYPE_TIMETICKS;
		return parse_i64(val, vlen, 0, UINT32_MAX, &vb->integer);
	case 70:
		vb->type = SNMP_TYPE_COUNTER64;
		if (!parse_i64(val, vlen, 0, INT64_MAX, &iv)) {
			/* Above INT64_MAX: parse unsigned. */
			char num[32];
			unsigned long long u;

			if (vlen == 0 || vlen >= sizeof num)
				return false;
			memcpy(num, val, vlen);
			num[vlen] = '\0';
			errno = 0;
			u = strtoull(num, &end, 10);
			if (errno != 0 || *end != '\0' || num[0] == '-')
				return false;
			vb->counter64 = u;
			return true;
		}
		vb->counter64 = (uint64_t)iv;
		return true;
	default:
		return false;
	}
}

int snmprec_parse(const char *text, size_t len, struct snmp_table *t, size_t *skipped,
		  struct err *e)
{
	size_t pos = 0, skip = 0, lineno = 0;
	unsigned char *buf = NULL;
	size_t bufcap = 0;
	int rc = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len, n = end - pos;
		const char *line = text + pos;
		struct snmp_varbind vb;

		lineno++;
		pos = end + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		if (n > bufcap) {
			unsigned char *nb = realloc(buf, n);

			if (nb == NULL) {
				rc = err_set(e, ERR_NOMEM, "out of memory at line %zu", lineno);
				goto out;
			}
			buf = nb;
			bufcap = n;
		}
		memset(&vb, 0, sizeof vb);
		if (!parse_line(line, n, &vb, buf)) {
			skip++;
			continue;
		}
		rc = snmp_table_add(t, &vb);
		if (rc != 0) {
			err_set(e, rc, "cannot store line %zu: %s", lineno, err_name(rc));
			goto out;
		}
	}
out:
	free(buf);
	if (skipped != NULL)
		*skipped = skip;
	return rc;
}

int snmprec_load(const char *name, struct snmp_table *t, size_t *skipped, struct err *e)
{
	char path[PATH_MAX];
	FILE *f = NULL;
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", snmprec_dir(), name) >= sizeof path)
		return err_set(e, ERR_INVALID, "path too long");
	f = fopen(path, "rb");
	if (f == NULL)
		return err_set(e, ERR_IO, "%s: %s (set SNMPREC_DIR to the snmprec directory)", path,
			       strerror(errno));
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nt;

			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > MAX_FILE || (nt = realloc(text, cap)) == NULL) {
				rc = err_set(e, ERR_NOMEM, "%s: too large", path);
				goto out;
			}
			text = nt;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = err_set(e, ERR_IO, "%s: read error", path);
		goto out;
	}
	rc = snmprec_parse(text, len, t, skipped, e);
out:
	free(text);
	fclose(f);
	return rc;
}
