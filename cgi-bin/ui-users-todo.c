/* TEMPORARY (not to be committed): replaced by ui-users.c and ui-account.c. */
#include "app.h"
#define TODO(f) int f(struct http_ctx *x) { page_error(x, 404); return 0; }
TODO(handle_users_page)
TODO(handle_users_create_form)
TODO(handle_user_page)
TODO(handle_user_edit_form)
TODO(handle_user_password_form)
TODO(handle_user_delete_form)
TODO(handle_account_page)
TODO(handle_account_form)
TODO(handle_account_password_form)
