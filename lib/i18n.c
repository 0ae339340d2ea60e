#include "i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = { "ru", "en" };
#define NLANG (sizeof languages / sizeof languages[0])

struct table {
	char **keys;
	char **texts;
	size_t n;
};

static struct table tables[NLANG];

const char *const *i18n_languages(size_t *n)
{
	*n = NLANG;
	return languages;
}

static int lang_index(const char *lang)
{
	for (size_t i = 0; i < NLANG; i++)
		if (lang != NULL && strcmp(lang, languages[i]) == 0)
			return (int)i;
	return -1;
}

bool i18n_supported(const char *lang)
{
	return lang_index(lang) >= 0;
}

void i18n_table_free(char **keys, char **texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(keys[i]);
		free(texts[i]);
	}
	free(keys);
	free(texts);
}

struct pair {
	char *key;
	char *text;
};

static int cmp_pair(const void *a, const void *b)
{
	return strcmp(((const struct pair *)a)->key, ((const struct pair *)b)->key);
}

static bool key_ok(const char *k, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)k[i]) && !isdigit((unsigned char)k[i]) && k[i] != '_')
			return false;
	return true;
}

int i18n_parse(const char *text, size_t len, char ***keys_out, char ***texts_out, size_t *n_out,
	       struct err *e)
{
	struct pair *pairs = calloc(I18N_MAX_KEYS, sizeof *pairs);
	size_t n = 0, line = 0, pos = 0;
	int rc = 0;

	*keys_out = NULL;
	*texts_out = NULL;
	*n_out = 0;
	if (pairs == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t llen = nl != NULL ? (size_t)(nl - start) : len - pos;
		const char *tab;

		pos += llen + (nl != NULL);
		line++;
		if (llen > 0 && start[llen - 1] == '\r')
			llen--;
		if (llen == 0 || start[0] == '#')
			continue;
		tab = memchr(start, '\t', llen);
		if (tab == NULL || !key_ok(start, (size_t)(tab - start))) {
			rc = err_set(e, ERR_INVALID, "line %zu: expected key<TAB>text with key [a-z0-9_]+",
				     line);
			goto out;
		}
		if ((size_t)(start + llen - tab - 1) > I18N_MAX_TEXT ||
		    memchr(tab + 1, '\t', (size_t)(start + llen - tab - 1)) != NULL ||
		    tab + 1 == start + llen) {
			rc = err_set(e, ERR_INVALID, "line %zu: text empty, too long or with a tab", line);
			goto out;
		}
		if (n >= I18N_MAX_KEYS) {
			rc = err_set(e, ERR_LIMIT, "line %zu: more than %d keys", line, I18N_MAX_KEYS);
			goto out;
		}
		pairs[n].key = strndup(start, (size_t)(tab - start));
		pairs[n].text = strndup(tab + 1, (size_t)(start + llen - tab - 1));
		n++;
		if (pairs[n - 1].key == NULL || pairs[n - 1].text == NULL) {
			rc = err_set(e, ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	qsort(pairs, n, sizeof *pairs, cmp_pair);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(pairs[i].key, pairs[i - 1].key) == 0) {
			rc = err_set(e, ERR_INVALID, "key \"%s\" defined twice", pairs[i].key);
			goto out;
		}
	}
	*keys_out = calloc(n + 1, sizeof(char *));
	*texts_out = calloc(n + 1, sizeof(char *));
	if (*keys_out == NULL || *texts_out == NULL) {
		free(*keys_out);
		free(*texts_out);
		*keys_out = *texts_out = NULL;
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		(*keys_out)[i] = pairs[i].key;
		(*texts_out)[i] = pairs[i].text;
	}
	*n_out = n;
	free(pairs);
	return 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(pairs[i].key);
		free(pairs[i].text);
	}
	free(pairs);
	return rc;
}

static int read_all(const char *path, char **buf, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > (1L << 22) ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return err_set(e, ERR_IO, "%s: unreadable or larger than 4 MiB", path);
	}
	*buf = malloc((size_t)size + 1);
	if (*buf == NULL) {
		fclose(f);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	*len = fread(*buf, 1, (size_t)size, f);
	(*buf)[*len] = '\0';
	fclose(f);
	return 0;
}

void i18n_unload(void)
{
	for (size_t i = 0; i < NLANG; i++) {
		i18n_table_free(tables[i].keys, tables[i].texts, tables[i].n);
		memset(&tables[i], 0, sizeof tables[i]);
	}
}

int i18n_load(const char *dir, struct err *e)
{
	struct err inner;
	int rc;

	i18n_unload();
	for (size_t i = 0; i < NLANG; i++) {
		char path[4096];
		char *buf = NULL;
		size_t len = 0;

		snprintf(path, sizeof path, "%s/%s.tsv", dir, languages[i]);
		rc = read_all(path, &buf, &len, e);
		if (rc != 0)
			goto fail;
		rc = i18n_parse(buf, len, &tables[i].keys, &tables[i].texts, &tables[i].n, &inner);
		free(buf);
		if (rc != 0) {
			rc = err_set(e, rc, "%s: %s", path, inner.msg);
			goto fail;
		}
	}
	/* Every table must hold exactly the key set of the first (both are sorted). */
	for (size_t l = 1; l < NLANG; l++) {
		size_t a = 0, b = 0;

		while (a < tables[0].n || b < tables[l].n) {
			int c = a >= tables[0].n ? 1
				: b >= tables[l].n ? -1
				: strcmp(tables[0].keys[a], tables[l].keys[b]);
			if (c < 0) {
				rc = err_set(e, ERR_INVALID, "key \"%s\" is in %s.tsv but not in %s.tsv",
					     tables[0].keys[a], languages[0], languages[l]);
				goto fail;
			}
			if (c > 0) {
				rc = err_set(e, ERR_INVALID, "key \"%s\" is in %s.tsv but not in %s.tsv",
					     tables[l].keys[b], languages[l], languages[0]);
				goto fail;
			}
			a++;
			b++;
		}
	}
	return 0;
fail:
	i18n_unload();
	return rc;
}

size_t i18n_count(void)
{
	return tables[0].n;
}

const char *i18n_key(size_t i)
{
	return i < tables[0].n ? tables[0].keys[i] : "";
}

const char *i18n_text_at(const char *lang, size_t i)
{
	int l = lang_index(lang);

	if (l < 0)
		l = 0;
	return i < tables[l].n ? tables[l].texts[i] : "";
}

const char *i18n_text(const char *lang, const char *key)
{
	int l = lang_index(lang);
	size_t lo = 0, hi;

	if (l < 0)
		l = 0;
	hi = tables[l].n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(tables[l].keys[mid], key);

		if (c == 0)
			return tables[l].texts[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return key;
}
