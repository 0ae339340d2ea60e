{{%AUTOESCAPE context="HTML"}}
<h1>{{T_account_title}}</h1>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
<dl class="facts">
  <dt>{{T_field_email}}</dt><dd class="break">{{EMAIL}}</dd>
  <dt>{{T_field_role}}</dt><dd><span class="badge role-{{ROLE}}">{{ROLE_NAME}}</span></dd>
  <dt>{{T_col_last_login}}</dt><dd class="mono">{{LAST_LOGIN}}</dd>
</dl>
<p class="muted small">{{T_account_admin_note}}</p>
<div class="panels">
<section class="panel">
  <h2>{{T_account_profile}}</h2>
  <form method="post" action="/account" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label for="account-full-name">{{T_field_full_name}}</label>
    <input id="account-full-name" name="full_name" type="text" maxlength="200" autocomplete="name" value="{{FULL_NAME}}">
    <label for="account-language">{{T_field_language}}</label>
    <select id="account-language" name="language">{{#LANG_CHOICE}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/LANG_CHOICE}}</select>
    <div class="actions"><button type="submit" class="primary">{{T_form_save}}</button></div>
  </form>
</section>
<section class="panel">
  <h2>{{T_account_password_title}}</h2>
  <p class="muted">{{T_account_password_intro}}</p>
  <form method="post" action="/account/password" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label for="current-password">{{T_field_current_password}}</label>
    <input id="current-password" name="current_password" type="password" required maxlength="128" autocomplete="current-password">
    <label for="new-password">{{T_field_new_password}}</label>
    <input id="new-password" name="new_password" type="password" required maxlength="128" autocomplete="new-password">
    <p class="hint">{{PASSWORD_HINT}}</p>
    <label for="new-password-repeat">{{T_field_repeat_password}}</label>
    <input id="new-password-repeat" name="new_password_repeat" type="password" required maxlength="128" autocomplete="new-password">
    <div class="actions"><button type="submit" class="primary">{{T_account_password_submit}}</button></div>
  </form>
</section>
</div>
