{{%AUTOESCAPE context="HTML"}}
<h1>{{T_users_title}}</h1>
<p class="muted">{{T_users_intro}}</p>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
<div class="table-scroll">
<table class="grid users">
  <thead><tr><th>{{T_col_email}}</th><th>{{T_col_full_name}}</th><th>{{T_col_role}}</th><th>{{T_col_state}}</th><th>{{T_col_last_login}}</th></tr></thead>
  <tbody>
  {{#USER}}<tr><td class="email"><a href="/users/{{ID}}">{{EMAIL}}</a>{{#SELF}} <span class="muted small">{{T_user_you}}</span>{{/SELF}}</td><td>{{FULL_NAME}}</td><td><span class="badge role-{{ROLE}}">{{ROLE_NAME}}</span></td><td>{{#ACTIVE}}<span class="badge badge-ok">{{T_user_active}}</span>{{/ACTIVE}}{{#DISABLED}}<span class="badge badge-off">{{T_user_disabled}}</span>{{/DISABLED}}</td><td class="mono">{{LAST_LOGIN}}</td></tr>
  {{/USER}}
  {{#NO_USERS}}<tr><td colspan="5" class="muted">{{T_users_none}}</td></tr>{{/NO_USERS}}
  </tbody>
</table>
</div>
{{#PAGER}}<nav class="pager" aria-label="{{T_pager_label}}">
  {{#PREV}}<a class="button-secondary" href="/users?offset={{OFFSET}}">{{T_pager_prev}}</a>{{/PREV}}
  <span class="muted">{{RANGE}}</span>
  {{#NEXT}}<a class="button-secondary" href="/users?offset={{OFFSET}}">{{T_pager_next}}</a>{{/NEXT}}
</nav>{{/PAGER}}
<p class="muted small">{{T_home_times_utc}}</p>

<section class="panel" id="new-user">
  <h2>{{T_users_new}}</h2>
  <form method="post" action="/users" class="form form-wide">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="field">
      <label for="new-email">{{T_field_email}}</label>
      <input id="new-email" name="email" type="email" required maxlength="254" autocomplete="off" value="{{NEW_EMAIL}}">
    </div>
    <div class="field">
      <label for="new-full-name">{{T_field_full_name}}</label>
      <input id="new-full-name" name="full_name" type="text" maxlength="200" autocomplete="off" value="{{NEW_FULL_NAME}}">
    </div>
    <div class="field">
      <label for="new-role">{{T_field_role}}</label>
      <select id="new-role" name="role">{{#ROLE_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/ROLE_OPTION}}</select>
    </div>
    <div class="field">
      <label for="new-password">{{T_field_password}}</label>
      <input id="new-password" name="password" type="password" required maxlength="128" autocomplete="new-password">
      <p class="hint">{{PASSWORD_HINT}}</p>
    </div>
    <ul class="hint roles field-full">
      <li><strong>{{T_role_viewer}}</strong> — {{T_role_viewer_desc}}</li>
      <li><strong>{{T_role_operator}}</strong> — {{T_role_operator_desc}}</li>
      <li><strong>{{T_role_admin}}</strong> — {{T_role_admin_desc}}</li>
    </ul>
    <div class="field field-full">
      <label class="check"><input type="checkbox" name="is_active" value="1"{{#NEW_ACTIVE}} checked{{/NEW_ACTIVE}}> {{T_field_active}}</label>
    </div>
    <div class="actions field-full"><button type="submit" class="primary">{{T_users_create_submit}}</button></div>
  </form>
</section>
