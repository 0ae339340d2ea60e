/*
 * Who is calling and may they: the one place where routes' access levels are enforced.
 *
 * Scripts send "Authorization: Bearer <access token>". Browsers carry the same tokens in
 * HttpOnly, SameSite=Strict cookies (with the __Host- prefix and Secure under HTTPS); when the
 * access cookie has expired, the refresh cookie is traded for a new pair on the fly, so a
 * technician stays signed in while using the pages. State-changing browser requests carry a
 * CSRF token: an HMAC of the session id (or, before signing in, of a random seed cookie)
 * under SECRET_KEY, so it cannot be forged without the key and dies with the session.
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "password.h"
#include "sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Two tabs refreshing with the same cookie at once must not count as token theft. */
#define COOKIE_REFRESH_GRACE_SECONDS 10

enum cookie { COOKIE_ACCESS, COOKIE_REFRESH, COOKIE_CSRF };

static const char *cookie_name(const struct http_ctx *x, enum cookie c)
{
	static const char *const plain[] = { "is_access", "is_refresh", "is_csrf" };
	static const char *const host[] = { "__Host-is_access", "__Host-is_refresh", "__Host-is_csrf" };

	return x->req.https ? host[c] : plain[c];
}

static bool is_api(const struct http_ctx *x)
{
	return strncmp(x->req.path, "/api/", 5) == 0;
}

static bool unsafe_method(const struct http_ctx *x)
{
	return x->req.method == HTTP_POST || x->req.method == HTTP_PUT ||
	       x->req.method == HTTP_PATCH || x->req.method == HTTP_DELETE;
}

const char *auth_client_ip(struct http_ctx *x)
{
	return x->req.remote_addr != NULL ? x->req.remote_addr : "";
}

int auth_init(struct err *e)
{
	const char *key = app.cfg.secret_key;

	if (key[0] != '\0') {
		app.secret_len = strlen(key);
		memcpy(app.secret, key, app.secret_len);
	} else {
		/* config.c refuses this in production; elsewhere sessions end when the app restarts. */
		app.secret_len = 32;
		if (crypto_random(app.secret, app.secret_len) != 0)
			return err_set(e, ERR_IO, "SECRET_KEY: no random bytes for a temporary key");
		log_msg(LOG_LEVEL_WARN, "secret_key_generated", NULL,
			"SECRET_KEY is not set: using a random key, so logins end when the app restarts");
	}
	return cors_parse(app.cfg.cors_origins, &app.cors, e);
}

void app_audit(struct http_ctx *x, const char *type, const char *severity, int64_t user_id,
	       const char *message, json_object *payload)
{
	struct err e = { 0 };
	json_object *p = payload != NULL ? payload : json_object_new_object();
	struct event ev = { .type = type, .severity = severity, .user_id = user_id,
			    .message = message, .payload = p, .trace_id = x->req.trace_id };
	struct log_line l;

	json_object_object_add(p, "client_ip", json_object_new_string(auth_client_ip(x)));
	if (x->route != NULL)
		json_object_object_add(p, "route", json_object_new_string(x->route->name));
	log_begin(&l, strcmp(severity, "info") == 0 ? LOG_LEVEL_INFO : LOG_LEVEL_WARN, type,
		  x->req.trace_id);
	log_int(&l, "user_id", user_id);
	log_str(&l, "client_ip", auth_client_ip(x));
	log_str(&l, "msg", message);
	log_end(&l);
	if (event_record(app_thread_of(x)->db, &ev, &e) != 0)
		log_msg(LOG_LEVEL_ERROR, "audit_failed", x->req.trace_id, "%s: %s", type, e.msg);
	json_object_put(p);
}

/* ---- tokens ---- */

static int issue_access(const struct user *u, const char *sid, struct auth_tokens *out,
			struct err *e)
{
	struct token_claims c = { 0 };
	int64_t now = (int64_t)time(NULL);

	c.sub = u->id;
	snprintf(c.role, sizeof c.role, "%s", user_role_name(u->role));
	snprintf(c.sid, sizeof c.sid, "%s", sid);
	if (crypto_random_hex(16, c.jti) != 0)
		return err_set(e, ERR_IO, "no random bytes for the token id");
	c.iat = now;
	c.exp = now + (int64_t)app.cfg.access_token_minutes * 60;
	out->access_expires = c.exp;
	return token_issue(app.secret, app.secret_len, &c, out->access_token,
			   sizeof out->access_token, e);
}

static void copy_ticket(struct auth_tokens *out, const struct session_ticket *t)
{
	snprintf(out->refresh_token, sizeof out->refresh_token, "%s", t->refresh_token);
	out->refresh_expires = t->refresh_expires;
	out->user_id = t->user_id;
	snprintf(out->session_id, sizeof out->session_id, "%s", t->session_id);
}

static struct session_lifetimes lifetimes(void)
{
	struct session_lifetimes l = { app.cfg.refresh_token_days, app.cfg.session_max_days };

	return l;
}

int auth_login(struct http_ctx *x, const char *email, const char *password,
	       struct auth_tokens *out, int *retry_after)
{
	struct db *db = app_thread_of(x)->db;
	struct session_lifetimes l = lifetimes();
	struct session_ticket ticket;
	struct user u = { 0 };
	struct err e = { 0 };
	const char *hash = NULL, *reason = NULL;
	json_object *payload;
	int rc;

	memset(out, 0, sizeof *out);
	*retry_after = 0;
	rc = login_attempt_reserve(db, auth_client_ip(x), email, app.cfg.login_max_failures,
				   app.cfg.login_window_minutes, retry_after, &e);
	if (rc == ERR_LIMIT) {
		/* The account under attack, when the email names one, so its history shows it. */
		if (users_get_for_login(db, x->arena, email, &u, &hash, NULL) != 0)
			u.id = 0;
		payload = json_object_new_object();
		json_object_object_add(payload, "email", json_object_new_string(email));
		json_object_object_add(payload, "retry_after", json_object_new_int(*retry_after));
		app_audit(x, "login_blocked", "warning", u.id, "too many failed logins", payload);
		return ERR_LIMIT;
	}
	if (rc != 0)
		return rc;
	rc = users_get_for_login(db, x->arena, email, &u, &hash, &e);
	if (rc == ERR_NOTFOUND) {
		/* As slow as a wrong password, so the answer's timing does not reveal accounts. */
		password_verify_dummy(password);
		reason = "unknown_email";
	} else if (rc != 0) {
		return rc;
	} else if (password_verify(hash, password) != 0) {
		reason = "password";
	} else if (!u.is_active) {
		reason = "disabled";
	}
	if (reason != NULL) {
		payload = json_object_new_object();
		json_object_object_add(payload, "email", json_object_new_string(email));
		json_object_object_add(payload, "reason", json_object_new_string(reason));
		app_audit(x, "login_failed", "warning", u.id, "login failed", payload);
		return ERR_DENIED;
	}
	rc = login_attempt_reset(db, auth_client_ip(x), email, &e);
	if (rc == 0)
		rc = users_touch_login(db, u.id, &e);
	if (rc == 0)
		rc = session_start(db, u.id, auth_client_ip(x), http_env(&x->req, "HTTP_USER_AGENT"),
				   &l, &ticket, &e);
	if (rc == 0) {
		copy_ticket(out, &ticket);
		rc = issue_access(&u, ticket.session_id, out, &e);
	}
	if (rc != 0) {
		log_msg(LOG_LEVEL_ERROR, "login_error", x->req.trace_id, "%s", e.msg);
		memset(out, 0, sizeof *out);
		return rc;
	}
	payload = json_object_new_object();
	json_object_object_add(payload, "session", json_object_new_string(out->session_id));
	app_audit(x, "login_succeeded", "info", u.id, "signed in", payload);
	return 0;
}

/* auth_refresh, also telling whether a refusal was a race with a parallel request (*raced). */
static int refresh_pair(struct http_ctx *x, const char *refresh_token, int grace_seconds,
			struct auth_tokens *out, bool *raced)
{
	struct db *db = app_thread_of(x)->db;
	struct session_lifetimes l = lifetimes();
	struct session_ticket ticket;
	struct user u;
	struct err e = { 0 };
	int rc;

	memset(out, 0, sizeof *out);
	rc = session_refresh(db, refresh_token, &l, grace_seconds, &ticket, &e);
	*raced = rc == ERR_DENIED && ticket.raced;
	if (rc == ERR_CONFLICT) {
		json_object *payload = json_object_new_object();

		json_object_object_add(payload, "session", json_object_new_string(ticket.session_id));
		app_audit(x, "token_reuse", "warning", ticket.user_id,
			  "a refresh token was used twice: the session is revoked", payload);
		return ERR_DENIED;
	}
	if (rc != 0) {
		log_msg(rc == ERR_DENIED ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR,
			rc == ERR_DENIED ? "refresh_refused" : "refresh_error", x->req.trace_id, "%s",
			e.msg);
		return rc;
	}
	rc = users_get(db, x->arena, ticket.user_id, &u, &e);
	if (rc == 0) {
		copy_ticket(out, &ticket);
		rc = issue_access(&u, ticket.session_id, out, &e);
	}
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

int auth_refresh(struct http_ctx *x, const char *refresh_token, int grace_seconds,
		 struct auth_tokens *out)
{
	bool raced;

	return refresh_pair(x, refresh_token, grace_seconds, out, &raced);
}

int auth_logout(struct http_ctx *x, const char *refresh_token)
{
	struct request_auth *auth = app_auth_of(x);
	struct db *db = app_thread_of(x)->db;
	char other[CRYPTO_UUID_LEN];
	struct err e = { 0 };
	int rc = 0;

	if (auth->authenticated) {
		rc = token_revoke(db, auth->claims.jti, auth->claims.exp, &e);
		if (rc == 0)
			rc = session_revoke(db, auth->claims.sid, "logout", &e);
	}
	if (rc == 0 && refresh_token != NULL && refresh_token[0] != '\0' &&
	    session_of_refresh(db, refresh_token, other, NULL) == 0)
		rc = session_revoke(db, other, "logout", &e);
	if (rc == 0 && auth->authenticated)
		app_audit(x, "logout", "info", auth->user.id, "signed out", NULL);
	return rc;
}

/* ---- cookies ---- */

static void set_cookie(struct http_ctx *x, enum cookie c, const char *value, long max_age)
{
	char *v = arena_printf(x->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
			       cookie_name(x, c), value, max_age, x->req.https ? "; Secure" : "");

	if (v != NULL)
		http_header_add(&x->resp, x->arena, "Set-Cookie", v);
}

void auth_set_cookies(struct http_ctx *x, const struct auth_tokens *t)
{
	long now = (long)time(NULL);

	set_cookie(x, COOKIE_ACCESS, t->access_token, (long)t->access_expires - now);
	set_cookie(x, COOKIE_REFRESH, t->refresh_token, (long)t->refresh_expires - now);
}

void auth_clear_cookies(struct http_ctx *x)
{
	set_cookie(x, COOKIE_ACCESS, "", 0);
	set_cookie(x, COOKIE_REFRESH, "", 0);
}

/* ---- authentication ---- */

/* A verified access token whose session and user are still good. */
static int accept_access_token(struct http_ctx *x, const char *token, struct err *e)
{
	struct request_auth *auth = app_auth_of(x);
	int rc;

	rc = token_verify(app.secret, app.secret_len, token, (int64_t)time(NULL), &auth->claims, e);
	if (rc == 0)
		rc = session_check(app_thread_of(x)->db, x->arena, auth->claims.sub, auth->claims.sid,
				   auth->claims.jti, &auth->user, e);
	auth->authenticated = rc == 0;
	return rc;
}

static const char *bearer_token(struct http_ctx *x)
{
	const char *h = http_env(&x->req, "HTTP_AUTHORIZATION");

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

/* From the cookies: the access token, else a transparent refresh. */
static int authenticate_cookies(struct http_ctx *x, struct err *e)
{
	const char *access = http_param_get(&x->req.cookies, cookie_name(x, COOKIE_ACCESS));
	const char *refresh = http_param_get(&x->req.cookies, cookie_name(x, COOKIE_REFRESH));
	struct auth_tokens t;
	bool raced = false;
	int rc = ERR_DENIED;

	if (access != NULL && access[0] != '\0') {
		rc = accept_access_token(x, access, e);
		if (rc != ERR_DENIED)
			return rc;
	}
	if (refresh == NULL || refresh[0] == '\0')
		return rc;
	rc = refresh_pair(x, refresh, COOKIE_REFRESH_GRACE_SECONDS, &t, &raced);
	if (rc == ERR_DENIED) {
		/*
		 * A parallel request of this browser (another tab) rotated the cookie a moment ago
		 * and its answer carries the new pair: clearing the cookies here would delete those
		 * and sign the browser out. Only a refused session loses its cookies.
		 */
		if (!raced)
			auth_clear_cookies(x);
		return err_set(e, ERR_DENIED, raced ? "the session cookie was just rotated by a "
						      "parallel request"
						    : "the session cookie was refused");
	}
	if (rc != 0)
		return rc;
	auth_set_cookies(x, &t);
	return accept_access_token(x, t.access_token, e);
}

static void deny_unauthenticated(struct http_ctx *x)
{
	if (is_api(x)) {
		http_header_set(&x->resp, x->arena, "WWW-Authenticate", "Bearer realm=\"infrascope\"");
		http_respond_error(x, 401, "unauthorized",
				   "sign in first: send \"Authorization: Bearer <access token>\"");
		return;
	}
	{
		/* Back to where the technician was going once signed in (GET only: a form is lost). */
		const char *next = x->req.method == HTTP_GET ? x->req.path : "/";
		char *target = NULL;

		if (x->req.method == HTTP_GET && x->req.query[0] != '\0')
			next = arena_printf(x->arena, "%s?%s", x->req.path, x->req.query);
		if (next != NULL && strcmp(next, "/") != 0)
			target = arena_printf(x->arena, "/login?next=%s", http_url_encode(x->arena, next));
		http_redirect(x, target != NULL ? target : "/login");
	}
}

static void deny_forbidden(struct http_ctx *x, const char *code, const char *message)
{
	if (is_api(x) || http_wants_json(&x->req))
		http_respond_error(x, 403, code, "%s", message);
	else
		page_error(x, 403);
}

bool auth_admit(struct http_ctx *x)
{
	struct request_auth *auth = app_auth_of(x);
	const char *bearer = bearer_token(x);
	struct err e = { 0 };
	int rc;

	memset(auth, 0, sizeof *auth);
	if (bearer != NULL) {
		rc = accept_access_token(x, bearer, &e);
	} else {
		rc = authenticate_cookies(x, &e);
		auth->via_cookie = rc == 0;
	}
	if (rc != 0 && rc != ERR_DENIED) {
		/* The database is down or failed: no way to tell who this is. */
		if (x->route->access == ACCESS_PUBLIC) {
			memset(auth, 0, sizeof *auth);
			return true;
		}
		app_respond_failure(x, rc, e.msg);
		return false;
	}
	if (rc == ERR_DENIED && e.msg[0] != '\0')
		log_msg(LOG_LEVEL_INFO, "token_refused", x->req.trace_id, "%s", e.msg);
	if (x->route->access == ACCESS_PUBLIC)
		return true;
	if (!auth->authenticated) {
		deny_unauthenticated(x);
		return false;
	}
	if ((int)auth->user.role < x->route->access) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, "needs", json_object_new_string(
							   user_role_name((enum user_role)x->route->access)));
		json_object_object_add(p, "role", json_object_new_string(user_role_name(auth->user.role)));
		json_object_object_add(p, "method", json_object_new_string(x->req.method_name));
		json_object_object_add(p, "path", json_object_new_string(x->req.path));
		app_audit(x, "access_denied", "warning", auth->user.id, "role too low for this action", p);
		deny_forbidden(x, "forbidden", "your role does not allow this");
		return false;
	}
	return true;
}

/* ---- CSRF ---- */

static void csrf_for(const char *binding_kind, const char *binding, char out[CRYPTO_SHA256_HEX])
{
	char msg[128];
	int n = snprintf(msg, sizeof msg, "csrf:%s:%s", binding_kind, binding);

	crypto_hmac_sha256_hex(app.secret, app.secret_len, msg, (size_t)n, out);
}

static bool seed_ok(const char *s)
{
	return s != NULL && strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

const char *auth_csrf_token(struct http_ctx *x)
{
	struct request_auth *auth = app_auth_of(x);
	const char *seed;
	char fresh[33];

	if (auth->csrf[0] != '\0')
		return auth->csrf;
	if (auth->authenticated) {
		csrf_for("session", auth->claims.sid, auth->csrf);
		return auth->csrf;
	}
	seed = http_param_get(&x->req.cookies, cookie_name(x, COOKIE_CSRF));
	if (!seed_ok(seed)) {
		if (crypto_random_hex(16, fresh) != 0)
			return "";
		seed = fresh;
		/* A browser-session cookie: it only binds the sign-in form to this browser. */
		{
			char *v = arena_printf(x->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
					       cookie_name(x, COOKIE_CSRF), seed,
					       x->req.https ? "; Secure" : "");

			if (v != NULL)
				http_header_add(&x->resp, x->arena, "Set-Cookie", v);
		}
	}
	csrf_for("anon", seed, auth->csrf);
	return auth->csrf;
}

/* The request's own origin is fine; so is a listed CORS origin; any other is a forgery. */
static bool origin_acceptable(struct http_ctx *x)
{
	const char *origin = http_env(&x->req, "HTTP_ORIGIN");
	const char *site = http_env(&x->req, "HTTP_SEC_FETCH_SITE");
	const char *host = http_env(&x->req, "HTTP_HOST");

	if (site != NULL && strcmp(site, "cross-site") == 0 && !cors_allowed(&app.cors, origin))
		return false;
	if (origin == NULL || strcmp(origin, "null") == 0)
		return origin == NULL;
	if (cors_allowed(&app.cors, origin))
		return true;
	if (host == NULL)
		return false;
	{
		const char *scheme = x->req.https ? "https://" : "http://";
		const char *port = http_env(&x->req, "SERVER_PORT");
		size_t sl = strlen(scheme), hl = strlen(host);
		const char *rest;

		if (strncasecmp(origin, scheme, sl) != 0)
			return false;
		rest = origin + sl;
		if (strcasecmp(rest, host) == 0)
			return true;
		/* Debian's fastcgi_params sends HTTP_HOST as nginx's $host, which has no port, while
		 * a browser's Origin names the port when it is not the scheme's default. */
		return port != NULL && strncasecmp(rest, host, hl) == 0 && rest[hl] == ':' &&
		       strcmp(rest + hl + 1, port) == 0;
	}
}

bool auth_csrf_admit(struct http_ctx *x)
{
	struct request_auth *auth = app_auth_of(x);
	const char *given;
	char expected[CRYPTO_SHA256_HEX];
	bool page_form = !is_api(x);

	if (!unsafe_method(x))
		return true;
	/* Bearer tokens are not sent by browsers on their own: no CSRF for them. */
	if (!page_form && !auth->via_cookie)
		return true;
	if (!origin_acceptable(x)) {
		app_audit(x, "csrf_rejected", "warning", auth->user.id, "cross-site request refused",
			  NULL);
		deny_forbidden(x, "csrf_failed", "cross-site request refused");
		return false;
	}
	given = http_param_get(&x->req.form, "csrf");
	if (given == NULL)
		given = http_env(&x->req, "HTTP_X_CSRF_TOKEN");
	if (auth->via_cookie) {
		csrf_for("session", auth->claims.sid, expected);
	} else {
		const char *seed = http_param_get(&x->req.cookies, cookie_name(x, COOKIE_CSRF));

		if (seed_ok(seed))
			csrf_for("anon", seed, expected);
		else
			expected[0] = '\0';
	}
	if (!crypto_equal(given, expected)) {
		app_audit(x, "csrf_rejected", "warning", auth->user.id,
			  given == NULL ? "form without its CSRF token" : "form with a wrong CSRF token",
			  NULL);
		deny_forbidden(x, "csrf_failed",
			       "the form's security token is missing or out of date; reload the page");
		return false;
	}
	return true;
}

/* ---- CORS ---- */

void auth_cors(struct http_ctx *x)
{
	const char *origin = http_env(&x->req, "HTTP_ORIGIN");

	if (!is_api(x) || !cors_allowed(&app.cors, origin))
		return;
	http_header_set(&x->resp, x->arena, "Access-Control-Allow-Origin", origin);
	http_header_set(&x->resp, x->arena, "Access-Control-Allow-Credentials", "true");
	http_header_set(&x->resp, x->arena, "Vary", "Origin");
	if (x->req.method == HTTP_OPTIONS &&
	    http_env(&x->req, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") != NULL) {
		const char *allow = http_header_get(&x->resp, "Allow");

		http_header_set(&x->resp, x->arena, "Access-Control-Allow-Methods",
				allow != NULL ? allow : "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
		http_header_set(&x->resp, x->arena, "Access-Control-Allow-Headers",
				"Authorization, Content-Type, X-CSRF-Token, traceparent");
		http_header_set(&x->resp, x->arena, "Access-Control-Max-Age", "600");
	}
	http_header_set(&x->resp, x->arena, "Access-Control-Expose-Headers", "X-Trace-Id, Retry-After");
}
