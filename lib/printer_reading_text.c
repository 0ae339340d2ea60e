/*
 * The text side of printer_reading: making device strings safe (valid UTF-8, no control
 * characters, bounded), decoding supply descriptions (HP's hex-dump continuation lines,
 * all-hex text, per-cartridge noise), and reading meaning out of words: the colour a text
 * names and the supply type a description suggests when the Type column is missing.
 *
 * Words are matched on a folded copy of the text: ASCII and Cyrillic letters lower-cased,
 * "ё" read as "е", split into tokens at everything that is not a letter or digit.
 */
#include "printer_reading_int.h"

#include <string.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence starting at s (n bytes available), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4;
	else
		return 0;
	if (n < k)
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return k;
}

/* Characters shown as a space: C0/C1 controls, DEL, space, no-break space. */
static bool is_blank(const unsigned char *s, size_t k)
{
	if (k == 1)
		return s[0] <= 0x20 || s[0] == 0x7F;
	return k == 2 && s[0] == 0xC2 && s[1] <= 0xA0;
}

void printer_reading_clean(const unsigned char *in, size_t n, char *out, size_t size)
{
	static const unsigned char repl[3] = { 0xEF, 0xBF, 0xBD }; /* U+FFFD */
	size_t o = 0;
	bool pending = false;

	if (size == 0)
		return;
	for (size_t i = 0; i < n && in[i] != '\0';) {
		size_t k = utf8_len(in + i, n - i);
		const unsigned char *src = in + i;
		size_t len = k;

		if (k == 0) {
			src = repl;
			len = 3;
			k = 1;
		} else if (is_blank(in + i, k)) {
			i += k;
			pending = o > 0;
			continue;
		}
		i += k;
		if (o + len + (pending ? 1 : 0) >= size)
			break;
		if (pending)
			out[o++] = ' ';
		pending = false;
		memcpy(out + o, src, len);
		o += len;
	}
	out[o] = '\0';
}

/* ---- supply descriptions ---- */

#define DESC_WORK 2048

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A line of two-digit hex groups separated by single spaces ("38 32 37 41 20 00 "), decoded
 * into out (at most cap bytes, cut at the first NUL). Returns the number of groups, or 0 when
 * the line is not such a line or the bytes are not printable UTF-8 text.
 */
static size_t hex_line(const unsigned char *s, size_t n, unsigned char *out, size_t cap,
		       size_t *out_len)
{
	size_t i = 0, groups = 0, k = 0;
	bool ended = false;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	for (;;) {
		int h, l;

		if (i + 2 > n || (h = hexval(s[i])) < 0 || (l = hexval(s[i + 1])) < 0)
			return 0;
		groups++;
		if (h == 0 && l == 0)
			ended = true;
		else if (!ended && k < cap)
			out[k++] = (unsigned char)(h << 4 | l);
		i += 2;
		if (i == n)
			break;
		if (s[i] != ' ')
			return 0;
		i++;
	}
	for (size_t j = 0; j < k;) {
		size_t len = utf8_len(out + j, k - j);

		if (len == 0 || (len == 1 && (out[j] < 0x20 || out[j] == 0x7F)))
			return 0;
		j += len;
	}
	*out_len = k;
	return groups;
}

static void work_append(unsigned char *w, size_t *wlen, const unsigned char *p, size_t n)
{
	if (n > DESC_WORK - *wlen)
		n = DESC_WORK - *wlen;
	memcpy(w + *wlen, p, n);
	*wlen += n;
}

/* Cut before per-cartridge noise (part and serial numbers) when text remains before it. */
static void cut_noise(char *s)
{
	static const char *const marks[] = { ", PN ", ";SN", " S/N:" };
	char *cut = NULL;
	size_t len;

	for (size_t i = 0; i < N_ELEM(marks); i++) {
		char *p = strstr(s, marks[i]);

		if (p != NULL && p > s && (cut == NULL || p < cut))
			cut = p;
	}
	if (cut == NULL)
		return;
	*cut = '\0';
	len = strlen(s);
	while (len > 0 && strchr(" ,;:-", s[len - 1]) != NULL)
		s[--len] = '\0';
}

static bool blank_line(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\r' && s[i] != '\t')
			return false;
	return true;
}

void printer_decode_description(const unsigned char *in, size_t n, char *out, size_t out_size)
{
	unsigned char work[DESC_WORK], dec[512];
	const unsigned char *nul;
	size_t wlen = 0, start, dlen, seen = 0;
	bool all_hex = true, first_two = false;

	if (out_size == 0)
		return;
	out[0] = '\0';
	if (in == NULL || n == 0)
		return;
	nul = memchr(in, '\0', n);
	if (nul != NULL)
		n = (size_t)(nul - in);
	/* First pass: is every (non-blank) line hex, i.e. the whole text hex-encoded? */
	for (start = 0; start <= n;) {
		const unsigned char *eol = memchr(in + start, '\n', n - start);
		size_t end = eol != NULL ? (size_t)(eol - in) : n;

		if (!blank_line(in + start, end - start)) {
			size_t g = hex_line(in + start, end - start, dec, sizeof dec, &dlen);

			if (seen++ == 0)
				first_two = g >= 2;
			if (g == 0)
				all_hex = false;
		}
		start = end + 1;
	}
	/*
	 * Second pass: a hex line after the first is HP's continuation of the text (appended as
	 * is: the firmware splits words across lines); the first line is decoded only when the
	 * whole text is hex. Other line breaks become spaces.
	 */
	seen = 0;
	for (start = 0; start <= n;) {
		const unsigned char *eol = memchr(in + start, '\n', n - start);
		size_t end = eol != NULL ? (size_t)(eol - in) : n;

		if (!blank_line(in + start, end - start)) {
			size_t g = hex_line(in + start, end - start, dec, sizeof dec, &dlen);

			if (g > 0 && (seen > 0 || (all_hex && first_two))) {
				work_append(work, &wlen, dec, dlen);
			} else {
				if (wlen > 0)
					work_append(work, &wlen, (const unsigned char *)" ", 1);
				work_append(work, &wlen, in + start, end - start);
			}
			seen++;
		}
		start = end + 1;
	}
	printer_reading_clean(work, wlen, out, out_size);
	cut_noise(out);
}

/* ---- words ---- */

/* Fold text for matching: lower-case ASCII and Cyrillic, "ё" -> "е". Same or shorter length. */
static void fold(const char *in, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	while (*s != '\0' && o + 3 < size) {
		unsigned char c = s[0];

		if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c + 32);
			s++;
		} else if (c == 0xD0 && s[1] >= 0x90 && s[1] <= 0x9F) { /* А..П -> а..п */
			out[o++] = (char)0xD0;
			out[o++] = (char)(s[1] + 0x20);
			s += 2;
		} else if (c == 0xD0 && s[1] >= 0xA0 && s[1] <= 0xAF) { /* Р..Я -> р..я */
			out[o++] = (char)0xD1;
			out[o++] = (char)(s[1] - 0x20);
			s += 2;
		} else if ((c == 0xD0 && s[1] == 0x81) || (c == 0xD1 && s[1] == 0x91)) { /* Ё ё */
			out[o++] = (char)0xD0;
			out[o++] = (char)0xB5;
			s += 2;
		} else {
			out[o++] = (char)c;
			s++;
		}
	}
	out[o] = '\0';
}

/* Length of a separator at s (0 = part of a token): ASCII non-alphanumerics, no-break space,
 * « », general punctuation (U+2000-U+206F) and U+FFFD. */
static size_t separator(const unsigned char *s)
{
	if (s[0] < 0x80)
		return ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')) ? 0 : 1;
	if (s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0xAB || s[1] == 0xBB))
		return 2;
	if (s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81) && s[2] != '\0')
		return 3;
	if (s[0] == 0xEF && s[1] == 0xBF && s[2] == 0xBD)
		return 3;
	return 0;
}

/* Next token of folded text at *p: sets *tok and returns its length, 0 at the end. */
static size_t next_token(const char **p, const char **tok)
{
	const unsigned char *s = (const unsigned char *)*p;
	size_t sep, n = 0;

	while (*s != '\0' && (sep = separator(s)) > 0)
		s += sep;
	*tok = (const char *)s;
	while (s[n] != '\0' && separator(s + n) == 0)
		n++;
	*p = (const char *)(s + n);
	return n;
}

struct word {
	const char *w;
	bool prefix;       /* the token only has to start with w */
	unsigned value;
};

static bool word_match(const struct word *w, const char *tok, size_t n)
{
	size_t wl = strlen(w->w);

	return w->prefix ? n >= wl && memcmp(tok, w->w, wl) == 0
			 : n == wl && memcmp(tok, w->w, wl) == 0;
}

static const char *const colour_names[] = { "black", "cyan", "magenta", "yellow" };

/* Colour words: English, German, French, Italian, Portuguese, Spanish, Dutch, Scandinavian,
 * Russian (stems, after ё -> е folding). */
static const struct word colour_words[] = {
	{ "black", false, PRINTER_BLACK },    { "schwarz", false, PRINTER_BLACK },
	{ "noir", false, PRINTER_BLACK },     { "noire", false, PRINTER_BLACK },
	{ "nero", false, PRINTER_BLACK },     { "preto", false, PRINTER_BLACK },
	{ "negro", false, PRINTER_BLACK },    { "zwart", false, PRINTER_BLACK },
	{ "svart", false, PRINTER_BLACK },    { "черн", true, PRINTER_BLACK },
	{ "cyan", false, PRINTER_CYAN },      { "ciano", false, PRINTER_CYAN },
	{ "cian", false, PRINTER_CYAN },      { "голуб", true, PRINTER_CYAN },
	{ "циан", true, PRINTER_CYAN },       { "magenta", false, PRINTER_MAGENTA },
	{ "пурпур", true, PRINTER_MAGENTA },  { "малинов", true, PRINTER_MAGENTA },
	{ "маджент", true, PRINTER_MAGENTA }, { "yellow", false, PRINTER_YELLOW },
	{ "gelb", false, PRINTER_YELLOW },    { "jaune", false, PRINTER_YELLOW },
	{ "giallo", false, PRINTER_YELLOW },  { "amarelo", false, PRINTER_YELLOW },
	{ "amarillo", false, PRINTER_YELLOW }, { "geel", false, PRINTER_YELLOW },
	{ "gul", false, PRINTER_YELLOW },     { "желт", true, PRINTER_YELLOW },
};

/* Stand-alone letters, as in "Toner (K)" or "BK". */
static const struct word colour_letters[] = {
	{ "k", false, PRINTER_BLACK }, { "bk", false, PRINTER_BLACK }, { "c", false, PRINTER_CYAN },
	{ "m", false, PRINTER_MAGENTA }, { "y", false, PRINTER_YELLOW },
};

static int lookup(const struct word *list, size_t count, const char *tok, size_t n)
{
	for (size_t i = 0; i < count; i++)
		if (word_match(&list[i], tok, n))
			return (int)list[i].value;
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A part number ending in a colour code right after a digit: TN-247BK, ...5240K, 406C. */
static int part_suffix(const char *tok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(tok[i]) && !(tok[i] >= 'a' && tok[i] <= 'z'))
			return -1;
	if (n >= 3 && tok[n - 2] == 'b' && tok[n - 1] == 'k' && is_digit(tok[n - 3]))
		return PRINTER_BLACK;
	if (n >= 2 && is_digit(tok[n - 2]))
		return lookup(colour_letters, N_ELEM(colour_letters), tok + n - 1, 1);
	return -1;
}

/* Merge colour c into *acc: -1 none yet, -2 several different ones. */
static void merge(int *acc, int c)
{
	if (c < 0 || *acc == -2)
		return;
	*acc = (*acc == -1 || *acc == c) ? c : -2;
}

const char *printer_colour_from_text(const char *text)
{
	char f[PRINTER_TEXT_MAX * 2];
	const char *p = f, *tok;
	int words = -1, letters = -1;
	size_t n;

	if (text == NULL)
		return NULL;
	fold(text, f, sizeof f);
	while ((n = next_token(&p, &tok)) > 0) {
		int c;

		if (n >= strlen("чернил") && memcmp(tok, "чернил", strlen("чернил")) == 0)
			continue; /* "чернила" is ink, not black */
		c = lookup(colour_words, N_ELEM(colour_words), tok, n);
		if (c >= 0) {
			merge(&words, c);
			continue;
		}
		c = lookup(colour_letters, N_ELEM(colour_letters), tok, n);
		merge(&letters, c >= 0 ? c : part_suffix(tok, n));
	}
	/* Words outrank letters and part numbers; several different colours name none. */
	if (words != -1)
		return words >= 0 ? colour_names[words] : NULL;
	return letters >= 0 ? colour_names[letters] : NULL;
}

const char *printer_reading_colorant_colour(const char *value)
{
	static const char *const iso[] = { "black", "cyan", "magenta", "yellow",
					   "red", "green", "blue", "white" };
	char f[PRINTER_TEXT_MAX * 2];

	fold(value, f, sizeof f);
	for (size_t i = 0; i < N_ELEM(iso); i++)
		if (strcmp(f, iso[i]) == 0)
			return iso[i];
	if (f[0] == '\0' || strcmp(f, "other") == 0 || strcmp(f, "unknown") == 0)
		return NULL;
	return printer_colour_from_text(value);
}

/* ---- supply type from the description ---- */

enum {
	K_WASTE = 1u << 0, K_DRUM = 1u << 1, K_DEVELOPER = 1u << 2, K_FUSER = 1u << 3,
	K_CLEANER = 1u << 4, K_TRANSFER = 1u << 5, K_STAPLE = 1u << 6, K_TONER = 1u << 7,
	K_INK = 1u << 8, K_CARTRIDGE = 1u << 9,
};

static const struct word type_words[] = {
	{ "waste", false, K_WASTE },          { "отработ", true, K_WASTE },
	{ "drum", true, K_DRUM },             { "opc", false, K_DRUM },
	{ "photoconduct", true, K_DRUM },     { "барабан", true, K_DRUM },
	{ "фотобарабан", true, K_DRUM },      { "trommel", true, K_DRUM },
	{ "developer", true, K_DEVELOPER },   { "девелопер", true, K_DEVELOPER },
	{ "fuser", true, K_FUSER },           { "fusing", false, K_FUSER },
	{ "фьюзер", true, K_FUSER },          { "cleaner", true, K_CLEANER },
	{ "cleaning", false, K_CLEANER },     { "transfer", true, K_TRANSFER },
	{ "belt", false, K_TRANSFER },        { "staple", true, K_STAPLE },
	{ "toner", true, K_TONER },           { "тонер", true, K_TONER },
	{ "ink", false, K_INK },              { "inks", false, K_INK },
	{ "tinte", true, K_INK },             { "encre", false, K_INK },
	{ "чернил", true, K_INK },            { "cartridge", true, K_CARTRIDGE },
	{ "cartouche", true, K_CARTRIDGE },   { "kartusche", true, K_CARTRIDGE },
	{ "картридж", true, K_CARTRIDGE },    { "tank", false, K_CARTRIDGE },
};

int printer_reading_infer_type(const char *description)
{
	char f[PRINTER_TEXT_MAX * 2];
	const char *p = f, *tok;
	unsigned k = 0;
	size_t n;

	fold(description, f, sizeof f);
	while ((n = next_token(&p, &tok)) > 0)
		for (size_t i = 0; i < N_ELEM(type_words); i++)
			if (word_match(&type_words[i], tok, n))
				k |= type_words[i].value;
	/* The part named most specifically wins: "Waste Toner Box" is a receptacle, "Drum
	 * Cartridge" a drum, "Transfer Belt Cleaner" a cleaner. */
	if (k & K_WASTE)
		return (k & K_INK) ? 8 : 4;        /* wasteInk / wasteToner */
	if (k & K_DRUM)
		return 9;                          /* opc */
	if (k & K_DEVELOPER)
		return 10;
	if (k & K_FUSER)
		return 15;
	if (k & K_CLEANER)
		return 18;                         /* cleanerUnit */
	if (k & K_TRANSFER)
		return 20;                         /* transferUnit */
	if (k & K_STAPLE)
		return 32;
	if (k & K_TONER)
		return (k & K_CARTRIDGE) ? 21 : 3; /* tonerCartridge / toner */
	if (k & K_INK)
		return (k & K_CARTRIDGE) ? 6 : 5;  /* inkCartridge / ink */
	if (k & K_CARTRIDGE)
		return 21;                         /* a "cartridge" of a marking agent */
	return 2;                                  /* unknown */
}
