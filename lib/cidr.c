#include "cidr.h"

#include <stdio.h>
#include <string.h>

/* How many bytes of a refused item a message quotes before cutting it with "…". */
#define SHOWN_BYTES 40

/*
 * One decimal number at *p: "0" or digits without a leading zero, at most max. Advances *p.
 * A leading zero is refused rather than read as decimal or octal: "10.01.2.0" is ambiguous
 * (inet_aton reads 010 as 8) and would not read back as typed.
 */
static bool number(const char **p, unsigned max, unsigned *out)
{
	const char *s = *p;
	unsigned v = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9') {
		if (digits == 1 && v == 0)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		if (++digits > 3 || v > max)
			return false;
		s++;
	}
	if (digits == 0)
		return false;
	*p = s;
	*out = v;
	return true;
}

/* Four octets separated by dots at *p; advances *p past them. */
static bool quad(const char **p, uint32_t *addr)
{
	uint32_t a = 0;
	unsigned octet;

	for (int i = 0; i < 4; i++) {
		if (i > 0) {
			if (**p != '.')
				return false;
			(*p)++;
		}
		if (!number(p, 255, &octet))
			return false;
		a = a << 8 | octet;
	}
	*addr = a;
	return true;
}

/* The item as a message quotes it: SHOWN_BYTES bytes at most, cut at a character, controls '?'. */
static void shown(const char *s, char out[CIDR_SHOWN])
{
	size_t n = 0, len = s != NULL ? strlen(s) : 0;

	if (len > SHOWN_BYTES) {
		len = SHOWN_BYTES;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		out[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (s != NULL && len < strlen(s)) {
		memcpy(out + n, "\xe2\x80\xa6", 3); /* … */
		n += 3;
	}
	out[n] = '\0';
}

int cidr_addr_parse(const char *s, uint32_t *addr, struct err *e)
{
	const char *p = s;
	uint32_t a;

	if (s == NULL || !quad(&p, &a) || *p != '\0') {
		char q[CIDR_SHOWN];

		shown(s, q);
		return err_set(e, ERR_INVALID, "\"%s\" is not an IPv4 address such as 10.1.2.3", q);
	}
	*addr = a;
	return 0;
}

void cidr_addr_format(uint32_t addr, char buf[CIDR_ADDR_TEXT])
{
	snprintf(buf, CIDR_ADDR_TEXT, "%u.%u.%u.%u", (unsigned)(addr >> 24),
		 (unsigned)(addr >> 16 & 0xff), (unsigned)(addr >> 8 & 0xff), (unsigned)(addr & 0xff));
}

uint32_t cidr_mask(unsigned prefix)
{
	if (prefix == 0)
		return 0;
	if (prefix >= 32)
		return 0xffffffffu;
	return 0xffffffffu << (32 - prefix);
}

void cidr_format(const struct cidr *c, char buf[CIDR_TEXT])
{
	char a[CIDR_ADDR_TEXT];

	cidr_addr_format(c->network, a);
	snprintf(buf, CIDR_TEXT, "%s/%u", a, c->prefix);
}

/*
 * Parse without judging the prefix length against a policy: CIDR_FAULT_SYNTAX, or
 * CIDR_FAULT_HOST_BITS with *c holding the network meant, or NONE.
 */
static enum cidr_fault parse(const char *s, struct cidr *c)
{
	const char *p = s;
	uint32_t addr;
	unsigned prefix;

	if (s == NULL || !quad(&p, &addr) || *p++ != '/' || !number(&p, 32, &prefix) || *p != '\0')
		return CIDR_FAULT_SYNTAX;
	c->network = addr & cidr_mask(prefix);
	c->prefix = prefix;
	return c->network == addr ? CIDR_FAULT_NONE : CIDR_FAULT_HOST_BITS;
}

int cidr_parse(const char *s, struct cidr *c, struct err *e)
{
	struct cidr v;
	char q[CIDR_SHOWN], meant[CIDR_TEXT];

	switch (parse(s, &v)) {
	case CIDR_FAULT_NONE:
		*c = v;
		return 0;
	case CIDR_FAULT_HOST_BITS:
		shown(s, q);
		cidr_format(&v, meant);
		return err_set(e, ERR_INVALID, "%s has host bits set; did you mean %s?", q, meant);
	default:
		shown(s, q);
		return err_set(e, ERR_INVALID,
			       "\"%s\" is not an IPv4 network in CIDR notation such as 10.1.2.0/24", q);
	}
}

bool cidr_contains(const struct cidr *c, uint32_t addr)
{
	return (addr & cidr_mask(c->prefix)) == c->network;
}

bool cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
	const struct cidr *wider = a->prefix <= b->prefix ? a : b;
	const struct cidr *narrower = wider == a ? b : a;

	return cidr_contains(wider, narrower->network);
}

uint64_t cidr_host_count(const struct cidr *c)
{
	uint64_t size = (uint64_t)1 << (32 - (c->prefix > 32 ? 32 : c->prefix));

	return c->prefix <= 30 ? size - 2 : size;
}

int cidr_host_at(const struct cidr *c, uint64_t i, uint32_t *addr)
{
	if (i >= cidr_host_count(c))
		return ERR_LIMIT;
	/* Past the network address when there is one to skip. */
	*addr = c->network + (uint32_t)i + (c->prefix <= 30 ? 1u : 0u);
	return 0;
}

/* Record a problem (p may be NULL) and return ERR_INVALID with the English message. */
static int problem(struct cidr_problem *p, enum cidr_fault fault, size_t index, const char *item,
		   const char *other, bool inner, struct err *e)
{
	struct cidr_problem local;

	if (p == NULL)
		p = &local;
	memset(p, 0, sizeof *p);
	p->fault = fault;
	p->index = index;
	p->inner = inner;
	shown(item, p->item);
	snprintf(p->other, sizeof p->other, "%s", other != NULL ? other : "");
	switch (fault) {
	case CIDR_FAULT_SYNTAX:
		return err_set(e, ERR_INVALID,
			       "subnet \"%s\" is not an IPv4 network in CIDR notation such as 10.1.2.0/24",
			       p->item);
	case CIDR_FAULT_PREFIX:
		return err_set(e, ERR_INVALID, "subnet %s: the prefix length must be /%d to /32",
			       p->item, CIDR_STORE_MIN_PREFIX);
	case CIDR_FAULT_HOST_BITS:
		return err_set(e, ERR_INVALID, "%s has host bits set; did you mean %s?", p->item,
			       p->other);
	case CIDR_FAULT_TOO_MANY:
		return err_set(e, ERR_INVALID, "a store has at most %d subnets, not %zu",
			       CIDR_STORE_MAX, index);
	case CIDR_FAULT_DUPLICATE:
		return err_set(e, ERR_INVALID, "subnet %s is listed twice", p->item);
	case CIDR_FAULT_OVERLAP:
		if (inner)
			return err_set(e, ERR_INVALID, "subnet %s lies inside %s, which is listed already",
				       p->item, p->other);
		return err_set(e, ERR_INVALID, "subnet %s contains %s, which is listed already",
			       p->item, p->other);
	case CIDR_FAULT_NONE:
		break;
	}
	return err_set(e, ERR_INTERNAL, "unknown subnet problem");
}

int cidr_list_check(const char *const *items, size_t n, struct cidr *out, struct cidr_problem *p,
		    struct err *e)
{
	char text[CIDR_TEXT];

	if (p != NULL)
		memset(p, 0, sizeof *p);
	if (n > CIDR_STORE_MAX)
		return problem(p, CIDR_FAULT_TOO_MANY, n, "", NULL, false, e);
	for (size_t i = 0; i < n; i++) {
		struct cidr c;

		switch (parse(items[i], &c)) {
		case CIDR_FAULT_NONE:
			break;
		case CIDR_FAULT_HOST_BITS:
			cidr_format(&c, text);
			return problem(p, CIDR_FAULT_HOST_BITS, i, items[i], text, false, e);
		default:
			return problem(p, CIDR_FAULT_SYNTAX, i, items[i], NULL, false, e);
		}
		if (c.prefix < CIDR_STORE_MIN_PREFIX)
			return problem(p, CIDR_FAULT_PREFIX, i, items[i], NULL, false, e);
		for (size_t j = 0; j < i; j++) {
			if (!cidr_overlaps(&out[j], &c))
				continue;
			cidr_format(&out[j], text);
			if (out[j].prefix == c.prefix)
				return problem(p, CIDR_FAULT_DUPLICATE, i, items[i], text, false, e);
			return problem(p, CIDR_FAULT_OVERLAP, i, items[i], text, c.prefix > out[j].prefix,
				       e);
		}
		out[i] = c;
	}
	return 0;
}
