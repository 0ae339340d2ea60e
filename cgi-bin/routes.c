/*
 * The route table: every URL the app answers and who may call it. Order matters where
 * patterns overlap (first match wins). Route names label metrics and log lines, so keep them
 * stable. The access column is the only place roles are enforced (auth.c reads it); the
 * integration test tests/integration/roles.sh walks this table with every role.
 */
#include "app.h"

#define FORM HTTP_ROUTE_FORM

const struct http_route app_routes[] = {
	/* Pages. */
	{ HTTP_GET, "/", handle_home, "home", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/lang", handle_lang_form, "lang_form", FORM, ACCESS_PUBLIC },
	{ HTTP_GET, "/login", handle_login_page, "login_page", 0, ACCESS_PUBLIC },
	{ HTTP_POST, "/login", handle_login_form, "login_form", FORM, ACCESS_PUBLIC },
	{ HTTP_POST, "/logout", handle_logout_form, "logout_form", FORM, ACCESS_VIEWER },
	{ HTTP_GET, "/account", handle_account_page, "account_page", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/account", handle_account_form, "account_form", FORM, ACCESS_VIEWER },
	{ HTTP_POST, "/account/password", handle_account_password_form, "account_password_form",
	  FORM, ACCESS_VIEWER },
	{ HTTP_GET, "/users", handle_users_page, "users_page", 0, ACCESS_ADMIN },
	{ HTTP_POST, "/users", handle_users_create_form, "users_create_form", FORM, ACCESS_ADMIN },
	{ HTTP_GET, "/users/{id:int}", handle_user_page, "user_page", 0, ACCESS_ADMIN },
	{ HTTP_POST, "/users/{id:int}", handle_user_edit_form, "user_edit_form", FORM, ACCESS_ADMIN },
	{ HTTP_POST, "/users/{id:int}/password", handle_user_password_form, "user_password_form",
	  FORM, ACCESS_ADMIN },
	{ HTTP_POST, "/users/{id:int}/delete", handle_user_delete_form, "user_delete_form", FORM,
	  ACCESS_ADMIN },
	/* Store pages (ui-stores.c): everyone reads, admins change. */
	{ HTTP_GET, "/stores", handle_stores_page, "stores_page", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/stores", handle_stores_create_form, "stores_create_form", FORM, ACCESS_ADMIN },
	{ HTTP_GET, "/stores/{id:int}", handle_store_page, "store_page", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/stores/{id:int}", handle_store_edit_form, "store_edit_form", FORM,
	  ACCESS_ADMIN },
	{ HTTP_POST, "/stores/{id:int}/delete", handle_store_delete_form, "store_delete_form", FORM,
	  ACCESS_ADMIN },
	/* Printer pages (ui-printers.c): everyone reads, operators poll, admins change. */
	{ HTTP_GET, "/printers", handle_printers_page, "printers_page", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/printers", handle_printers_create_form, "printers_create_form", FORM,
	  ACCESS_ADMIN },
	{ HTTP_GET, "/printers/{id:int}", handle_printer_page, "printer_page", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/printers/{id:int}", handle_printer_edit_form, "printer_edit_form", FORM,
	  ACCESS_ADMIN },
	{ HTTP_POST, "/printers/{id:int}/delete", handle_printer_delete_form, "printer_delete_form",
	  FORM, ACCESS_ADMIN },
	{ HTTP_POST, "/printers/{id:int}/poll", handle_printer_poll_form, "printer_poll_form", FORM,
	  ACCESS_OPERATOR },
	/* Task pages (ui-tasks.c): everyone reads, operators start a poll-all. */
	{ HTTP_GET, "/tasks", handle_tasks_page, "tasks_page", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/tasks/poll-all", handle_tasks_poll_all_form, "tasks_poll_all_form", FORM,
	  ACCESS_OPERATOR },
	{ HTTP_GET, "/tasks/{id:int}", handle_task_page, "task_page", 0, ACCESS_VIEWER },

	/* Machine endpoints. */
	{ HTTP_GET, "/metrics", handle_metrics, "metrics", 0, ACCESS_PUBLIC },
	{ HTTP_GET, "/api/v1/health", handle_health, "api_health", 0, ACCESS_PUBLIC },
	{ HTTP_PUT, "/api/v1/session/language", handle_lang_api, "api_session_language", 0,
	  ACCESS_PUBLIC },

	/* Accounts API. */
	{ HTTP_POST, "/api/v1/auth/login", handle_auth_login, "api_auth_login", FORM, ACCESS_PUBLIC },
	{ HTTP_POST, "/api/v1/auth/refresh", handle_auth_refresh, "api_auth_refresh", 0,
	  ACCESS_PUBLIC },
	{ HTTP_POST, "/api/v1/auth/logout", handle_auth_logout, "api_auth_logout", 0, ACCESS_VIEWER },
	{ HTTP_GET, "/api/v1/users/me", handle_me_get, "api_me", 0, ACCESS_VIEWER },
	{ HTTP_PATCH, "/api/v1/users/me", handle_me_patch, "api_me_update", 0, ACCESS_VIEWER },
	{ HTTP_PATCH, "/api/v1/users/me/password", handle_me_password, "api_me_password", 0,
	  ACCESS_VIEWER },
	{ HTTP_GET, "/api/v1/users", handle_users_list, "api_users_list", 0, ACCESS_ADMIN },
	{ HTTP_POST, "/api/v1/users", handle_users_create, "api_users_create", 0, ACCESS_ADMIN },
	{ HTTP_GET, "/api/v1/users/{id:int}", handle_user_get, "api_user", 0, ACCESS_ADMIN },
	{ HTTP_PATCH, "/api/v1/users/{id:int}", handle_user_patch, "api_user_update", 0,
	  ACCESS_ADMIN },
	{ HTTP_DELETE, "/api/v1/users/{id:int}", handle_user_delete, "api_user_delete", 0,
	  ACCESS_ADMIN },

	/* Stores API (api-stores.c): everyone reads; stores steer discovery, so admins change them. */
	{ HTTP_GET, "/api/v1/stores", handle_stores_list, "api_stores_list", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/api/v1/stores", handle_stores_create, "api_stores_create", 0, ACCESS_ADMIN },
	{ HTTP_GET, "/api/v1/stores/{id:int}", handle_store_get, "api_store", 0, ACCESS_VIEWER },
	{ HTTP_PATCH, "/api/v1/stores/{id:int}", handle_store_patch, "api_store_update", 0,
	  ACCESS_ADMIN },
	{ HTTP_DELETE, "/api/v1/stores/{id:int}", handle_store_delete, "api_store_delete", 0,
	  ACCESS_ADMIN },
	{ HTTP_GET, "/api/v1/stores/{id:int}/devices", handle_store_devices, "api_store_devices", 0,
	  ACCESS_VIEWER },

	/* Printers API (api-printers.c): everyone reads, operators poll, admins change. */
	{ HTTP_GET, "/api/v1/printers", handle_printers_list, "api_printers_list", 0,
	  ACCESS_VIEWER },
	{ HTTP_POST, "/api/v1/printers", handle_printers_create, "api_printers_create", 0,
	  ACCESS_ADMIN },
	{ HTTP_GET, "/api/v1/printers/{id:int}", handle_printer_get, "api_printer", 0,
	  ACCESS_VIEWER },
	{ HTTP_PATCH, "/api/v1/printers/{id:int}", handle_printer_patch, "api_printer_update", 0,
	  ACCESS_ADMIN },
	{ HTTP_DELETE, "/api/v1/printers/{id:int}", handle_printer_delete, "api_printer_delete", 0,
	  ACCESS_ADMIN },
	{ HTTP_GET, "/api/v1/printers/{id:int}/history", handle_printer_history,
	  "api_printer_history", 0, ACCESS_VIEWER },
	{ HTTP_POST, "/api/v1/printers/{id:int}/poll", handle_printer_poll, "api_printer_poll", 0,
	  ACCESS_OPERATOR },

	/* Tasks API (api-tasks.c): everyone reads, operators start a poll-all. */
	{ HTTP_POST, "/api/v1/tasks/poll-all", handle_tasks_poll_all, "api_tasks_poll_all", 0,
	  ACCESS_OPERATOR },
	{ HTTP_GET, "/api/v1/tasks", handle_tasks_list, "api_tasks_list", 0, ACCESS_VIEWER },
	{ HTTP_GET, "/api/v1/tasks/{id:int}", handle_task_get, "api_task", 0, ACCESS_VIEWER },
};

const size_t app_nroutes = sizeof app_routes / sizeof app_routes[0];
