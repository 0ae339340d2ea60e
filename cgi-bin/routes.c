/*
 * The route table: every URL the app answers. Order matters where patterns overlap (first
 * match wins). Route names label metrics and log lines, so keep them stable.
 */
#include "app.h"

const struct http_route app_routes[] = {
	{ HTTP_GET, "/", handle_home, "home", 0 },
	{ HTTP_POST, "/lang", handle_lang_form, "lang_form", HTTP_ROUTE_FORM },
	{ HTTP_GET, "/metrics", handle_metrics, "metrics", 0 },
	{ HTTP_GET, "/api/v1/health", handle_health, "api_health", 0 },
	{ HTTP_PUT, "/api/v1/session/language", handle_lang_api, "api_session_language", 0 },
};

const size_t app_nroutes = sizeof app_routes / sizeof app_routes[0];
