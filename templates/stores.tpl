{{%AUTOESCAPE context="HTML"}}
<h1>{{T_stores_title}}</h1>
<p class="muted">{{T_stores_intro}}</p>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
<form method="get" action="/stores" class="search" role="search">
  <label for="stores-q">{{T_stores_search_label}}</label>
  <input id="stores-q" name="q" type="search" maxlength="100" placeholder="{{T_stores_search_placeholder}}" value="{{Q}}">
  <button type="submit" class="primary">{{T_stores_search_submit}}</button>
  {{#SEARCHING}}<a class="button-secondary" href="/stores">{{T_stores_search_clear}}</a>{{/SEARCHING}}
</form>
<div class="table-scroll">
<table class="grid stores">
  <thead><tr><th>{{T_stores_col_code}}</th><th>{{T_stores_col_name}}</th><th>{{T_stores_col_subnets}}</th><th class="num">{{T_stores_col_devices}}</th><th class="num">{{T_state_online}}</th><th class="num">{{T_state_pending_offline}}</th><th class="num">{{T_state_offline}}</th></tr></thead>
  <tbody>
  {{#STORE}}<tr><td class="code"><a href="/stores/{{ID}}">{{CODE}}</a></td><td>{{NAME}}</td><td class="subnets">{{#SUBNET}}<span class="mono">{{TEXT}}</span>{{/SUBNET}}{{#NO_SUBNETS}}<span class="muted">—</span>{{/NO_SUBNETS}}</td><td class="num">{{TOTAL}}</td><td class="num ok">{{ONLINE}}</td><td class="num warn">{{PENDING}}</td><td class="num bad">{{OFFLINE}}</td></tr>
  {{/STORE}}
  {{#NO_STORES}}<tr><td colspan="7" class="muted">{{T_stores_none}}</td></tr>{{/NO_STORES}}
  {{#NONE_FOUND}}<tr><td colspan="7" class="muted">{{T_stores_none_found}}</td></tr>{{/NONE_FOUND}}
  </tbody>
</table>
</div>
{{#PAGER}}<nav class="pager" aria-label="{{T_pager_label}}">
  {{#PREV}}<a class="button-secondary" href="{{HREF}}">{{T_pager_prev}}</a>{{/PREV}}
  <span class="muted">{{RANGE}}</span>
  {{#NEXT}}<a class="button-secondary" href="{{HREF}}">{{T_pager_next}}</a>{{/NEXT}}
</nav>{{/PAGER}}

{{#CREATE_FORM}}
<section class="panel" id="new-store">
  <h2>{{T_stores_new}}</h2>
  <form method="post" action="/stores" class="form form-wide">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="field">
      <label for="new-code">{{T_store_field_code}}</label>
      <input id="new-code" name="code" type="text" required maxlength="32" autocomplete="off" value="{{CODE}}">
      <p class="hint">{{CODE_HINT}}</p>
    </div>
    <div class="field">
      <label for="new-name">{{T_store_field_name}}</label>
      <input id="new-name" name="name" type="text" required maxlength="200" autocomplete="off" value="{{NAME}}">
    </div>
    <div class="field">
      <label for="new-subnets">{{T_store_field_subnets}}</label>
      <textarea id="new-subnets" name="subnets" rows="3" spellcheck="false" class="mono">{{SUBNETS:pre_escape}}</textarea>
      <p class="hint">{{SUBNETS_HINT}}</p>
    </div>
    <div class="field">
      <label for="new-notes">{{T_store_field_notes}}</label>
      <textarea id="new-notes" name="notes" rows="3" maxlength="4000">{{NOTES:pre_escape}}</textarea>
    </div>
    <div class="actions field-full"><button type="submit" class="primary">{{T_stores_create_submit}}</button></div>
  </form>
</section>
{{/CREATE_FORM}}
