{{%AUTOESCAPE context="HTML"}}
<p class="crumbs"><a href="/users">{{T_user_back}}</a></p>
<h1 class="with-badges"><span class="break">{{EMAIL}}</span> <span class="badge role-{{ROLE}}">{{ROLE_NAME}}</span> {{#ACTIVE}}<span class="badge badge-ok">{{T_user_active}}</span>{{/ACTIVE}}{{#DISABLED}}<span class="badge badge-off">{{T_user_disabled}}</span>{{/DISABLED}}</h1>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
<dl class="facts">
  <dt>{{T_col_full_name}}</dt><dd>{{FULL_NAME}}{{#NO_NAME}}<span class="muted">—</span>{{/NO_NAME}}</dd>
  <dt>{{T_user_created_at}}</dt><dd class="mono">{{CREATED_AT}}</dd>
  <dt>{{T_col_last_login}}</dt><dd class="mono">{{LAST_LOGIN}}</dd>
</dl>
<div class="panels">
<section class="panel">
  <h2>{{T_user_edit}}</h2>
  <form method="post" action="/users/{{ID}}" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label for="edit-email">{{T_field_email}}</label>
    <input id="edit-email" name="email" type="email" required maxlength="254" autocomplete="off" value="{{FORM_EMAIL}}">
    <label for="edit-full-name">{{T_field_full_name}}</label>
    <input id="edit-full-name" name="full_name" type="text" maxlength="200" autocomplete="off" value="{{FORM_FULL_NAME}}">
    <label for="edit-role">{{T_field_role}}</label>
    <select id="edit-role" name="role">{{#ROLE_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/ROLE_OPTION}}</select>
    <label for="edit-language">{{T_field_language}}</label>
    <select id="edit-language" name="language">{{#LANG_CHOICE}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/LANG_CHOICE}}</select>
    <label class="check"><input type="checkbox" name="is_active" value="1"{{#FORM_ACTIVE}} checked{{/FORM_ACTIVE}}> {{T_field_active}}</label>
    <p class="hint">{{T_user_active_hint}}</p>
    <div class="actions"><button type="submit" class="primary">{{T_form_save}}</button></div>
  </form>
</section>
<section class="panel">
  <h2>{{T_user_password_title}}</h2>
  {{#SELF}}<p>{{T_user_password_self}} <a href="/account">{{T_account_title}}</a></p>{{/SELF}}
  {{#PASSWORD_FORM}}
  <p class="muted">{{T_user_password_intro}}</p>
  <form method="post" action="/users/{{ID}}/password" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label for="set-password">{{T_field_new_password}}</label>
    <input id="set-password" name="password" type="password" required maxlength="128" autocomplete="new-password">
    <p class="hint">{{PASSWORD_HINT}}</p>
    <label for="set-password-repeat">{{T_field_repeat_password}}</label>
    <input id="set-password-repeat" name="password_repeat" type="password" required maxlength="128" autocomplete="new-password">
    <div class="actions"><button type="submit" class="primary">{{T_user_password_submit}}</button></div>
  </form>
  {{/PASSWORD_FORM}}
</section>
<section class="panel panel-danger">
  <h2>{{T_user_delete_title}}</h2>
  <p class="muted">{{T_user_delete_intro}}</p>
  <form method="post" action="/users/{{ID}}/delete" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label class="check"><input type="checkbox" name="confirm" value="1" required> {{T_user_delete_confirm}}</label>
    <div class="actions"><button type="submit" class="danger">{{T_user_delete_submit}}</button></div>
  </form>
</section>
</div>
