/*
 * tpl — Google ctemplate from C.
 *
 * tpl_init() loads every *.tpl file of the template directory once, refuses any that does not
 * start with the AUTOESCAPE pragma (ctemplate escapes nothing without it: TOOLCHAIN.md §4) or
 * that does not parse, then freezes the cache, so request threads only read it. A dictionary
 * belongs to one request: create with tpl_dict_new, fill, expand, free the root once;
 * section and include dictionaries are owned by their parent. Values are copied.
 * Nothing throws across this boundary: C++ failures become NULL / negative returns.
 */
#ifndef INFRASCOPE_TPL_H
#define INFRASCOPE_TPL_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tpl_dict;

/* The pragma every template's first line must be (context HTML). */
#define TPL_PRAGMA "{{%AUTOESCAPE context=\"HTML\"}}"

/*
 * tpl_init — load and validate every *.tpl in dir (not recursive). Returns 0, or -1 with a
 * message naming the file in err (errlen bytes).
 */
int tpl_init(const char *dir, char *err, size_t errlen);

/* tpl_has_pragma — whether text starts with TPL_PRAGMA (pure; used by tpl_init and tests). */
bool tpl_has_pragma(const char *text, size_t len);

struct tpl_dict *tpl_dict_new(const char *name);
void tpl_dict_free(struct tpl_dict *d);

/* tpl_set — {{KEY}} in this dictionary (and its sections). */
void tpl_set(struct tpl_dict *d, const char *key, const char *value);
void tpl_set_int(struct tpl_dict *d, const char *key, long long value);

/* tpl_set_global — visible in this dictionary tree, including included templates. */
void tpl_set_global(struct tpl_dict *d, const char *key, const char *value);

/* tpl_section — add one repetition of {{#NAME}}…{{/NAME}}; owned by d. NULL on failure. */
struct tpl_dict *tpl_section(struct tpl_dict *d, const char *name);

/* tpl_show — show {{#NAME}} once with the parent's values. */
void tpl_show(struct tpl_dict *d, const char *name);

/* tpl_include — fill {{>NAME}} with the template file (name relative to the template dir). */
struct tpl_dict *tpl_include(struct tpl_dict *d, const char *name, const char *file);

/*
 * tpl_expand — render template file (relative name) with d. Returns a malloc'd NUL-terminated
 * string (caller frees) and its length in *len, or NULL when the template is unknown.
 */
char *tpl_expand(const char *file, const struct tpl_dict *d, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
