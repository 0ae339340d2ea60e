/*
 * i18n — the UI string tables, one per language (templates/i18n/<lang>.tsv).
 *
 * Each line is "key<TAB>text"; '#' starts a comment line. Keys are [a-z0-9_]+, unique.
 * i18n_load() reads every supported language and refuses to start when a key exists in one
 * table and not in another (naming the key), so no page can show a blank where a word
 * belongs. After loading, the tables are read-only and shared by all threads. Russian is the
 * product's default language; API, logs and metrics stay English and never use these tables.
 */
#ifndef INFRASCOPE_I18N_H
#define INFRASCOPE_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define I18N_MAX_KEYS 2048
#define I18N_MAX_TEXT 1024

/* The supported languages, default first: {"ru", "en"}. */
const char *const *i18n_languages(size_t *n);
bool i18n_supported(const char *lang);

/* i18n_load — load dir/<lang>.tsv for every supported language. Returns 0 or ERR_* with e. */
int i18n_load(const char *dir, struct err *e);

/*
 * i18n_parse — parse one table's text (pure; used by i18n_load and tests): keys and texts
 * are malloc'd into *keys and *texts (parallel arrays, sorted by key) and *n set.
 * Free with i18n_table_free. Returns 0 or ERR_INVALID naming the line.
 */
int i18n_parse(const char *text, size_t len, char ***keys, char ***texts, size_t *n,
	       struct err *e);
void i18n_table_free(char **keys, char **texts, size_t n);

/* i18n_count / i18n_key — the key set (identical for every language after loading). */
size_t i18n_count(void);
const char *i18n_key(size_t i);

/* i18n_text — text of key in lang; the key itself when unknown (never NULL). */
const char *i18n_text(const char *lang, const char *key);
/* i18n_text_at — text of the i-th key in lang. */
const char *i18n_text_at(const char *lang, size_t i);

/* i18n_unload — free the tables (at exit, for leak checkers). */
void i18n_unload(void);

#endif
