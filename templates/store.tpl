{{%AUTOESCAPE context="HTML"}}
<p class="crumbs"><a href="/stores">{{T_store_back}}</a></p>
<h1 class="with-badges"><span class="break">{{CODE}} · {{NAME}}</span> {{#PROBLEMS}}<span class="badge badge-error">{{TEXT}}</span>{{/PROBLEMS}}{{#ALL_WELL}}<span class="badge badge-ok">{{T_store_no_problems}}</span>{{/ALL_WELL}}{{#EMPTY}}<span class="badge badge-off">{{T_store_empty}}</span>{{/EMPTY}}</h1>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
<dl class="facts">
  <dt>{{T_store_field_code}}</dt><dd class="break">{{CODE}}</dd>
  <dt>{{T_store_field_name}}</dt><dd>{{NAME}}</dd>
  <dt>{{T_store_field_subnets}}</dt><dd class="subnets">{{#SUBNET}}<span class="mono">{{TEXT}}</span>{{/SUBNET}}{{#NO_SUBNETS}}<span class="muted">{{T_store_no_subnets}}</span>{{/NO_SUBNETS}}</dd>
  <dt>{{T_store_field_notes}}</dt><dd class="notes">{{NOTES:pre_escape}}{{#NO_NOTES}}<span class="muted">—</span>{{/NO_NOTES}}</dd>
  <dt>{{T_store_created_at}}</dt><dd class="mono">{{CREATED_AT}}</dd>
  <dt>{{T_store_updated_at}}</dt><dd class="mono">{{UPDATED_AT}}</dd>
</dl>

{{#POLL_ALL}}<p class="poll-all">{{>POLL_ALL_FORM}}</p>{{/POLL_ALL}}
<section>
  <h2>{{T_store_health}}</h2>
  {{#NO_DEVICES}}<p class="muted">{{T_store_no_devices}}</p>{{/NO_DEVICES}}
  {{#HEALTH}}
  <div class="table-scroll">
  <table class="grid health">
    <thead><tr><th>{{T_col_kind}}</th><th class="num">{{T_col_total}}</th><th class="num">{{T_state_online}}</th><th class="num">{{T_state_pending_offline}}</th><th class="num">{{T_state_offline}}</th><th class="num">{{T_state_unknown}}</th><th class="num">{{T_store_col_problems}}</th></tr></thead>
    <tbody>
    {{#KIND}}<tr><td>{{NAME}}</td><td class="num">{{TOTAL}}</td><td class="num ok">{{ONLINE}}</td><td class="num warn">{{PENDING}}</td><td class="num bad">{{OFFLINE}}</td><td class="num muted">{{UNKNOWN}}</td><td class="num bad">{{PROBLEMS}}</td></tr>
    {{/KIND}}
    {{#ALL}}<tr class="sum"><td>{{T_store_all_kinds}}</td><td class="num">{{TOTAL}}</td><td class="num ok">{{ONLINE}}</td><td class="num warn">{{PENDING}}</td><td class="num bad">{{OFFLINE}}</td><td class="num muted">{{UNKNOWN}}</td><td class="num bad">{{PROBLEMS}}</td></tr>{{/ALL}}
    </tbody>
  </table>
  </div>
  {{/HEALTH}}
</section>

{{#DEVICES}}
<section>
  <h2>{{T_store_devices}}</h2>
  <p class="muted">{{T_store_devices_intro}}</p>
  <div class="table-scroll">
  <table class="grid devices">
    <thead><tr><th>{{T_store_col_state}}</th><th>{{T_store_col_device}}</th><th>{{T_col_kind}}</th><th>{{T_store_col_model}}</th><th>{{T_store_col_address}}</th><th>{{T_store_col_mac}}</th><th>{{T_store_col_last_seen}}</th><th>{{T_store_col_last_error}}</th></tr></thead>
    <tbody>
    {{#DEVICE}}<tr{{#PROBLEM}} class="problem"{{/PROBLEM}}><td><span class="badge {{STATE_CLASS}}">{{STATE_NAME}}</span></td><td>{{NAME}}</td><td>{{KIND_NAME}}</td><td>{{MODEL}}</td><td class="mono">{{ADDRESS}}</td><td class="mono">{{MAC}}{{#MISMATCH}} <span class="badge sev-warning">{{T_store_mac_mismatch}}</span>{{/MISMATCH}}</td><td class="mono">{{LAST_SEEN}}</td><td class="error-text">{{LAST_ERROR}}</td></tr>
    {{/DEVICE}}
    </tbody>
  </table>
  </div>
  {{#PAGER}}<nav class="pager" aria-label="{{T_pager_label}}">
    {{#PREV}}<a class="button-secondary" href="{{HREF}}">{{T_pager_prev}}</a>{{/PREV}}
    <span class="muted">{{RANGE}}</span>
    {{#NEXT}}<a class="button-secondary" href="{{HREF}}">{{T_pager_next}}</a>{{/NEXT}}
  </nav>{{/PAGER}}
  <p class="muted small">{{T_home_times_utc}}</p>
</section>
{{/DEVICES}}

{{#ADMIN}}
<div class="panels">
<section class="panel">
  <h2>{{T_store_edit}}</h2>
  <form method="post" action="/stores/{{ID}}" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label for="edit-code">{{T_store_field_code}}</label>
    <input id="edit-code" name="code" type="text" required maxlength="32" autocomplete="off" value="{{FORM_CODE}}">
    <p class="hint">{{CODE_HINT}}</p>
    <label for="edit-name">{{T_store_field_name}}</label>
    <input id="edit-name" name="name" type="text" required maxlength="200" autocomplete="off" value="{{FORM_NAME}}">
    <label for="edit-subnets">{{T_store_field_subnets}}</label>
    <textarea id="edit-subnets" name="subnets" rows="4" spellcheck="false" class="mono">{{FORM_SUBNETS:pre_escape}}</textarea>
    <p class="hint">{{SUBNETS_HINT}}</p>
    <label for="edit-notes">{{T_store_field_notes}}</label>
    <textarea id="edit-notes" name="notes" rows="4" maxlength="4000">{{FORM_NOTES:pre_escape}}</textarea>
    <div class="actions"><button type="submit" class="primary">{{T_form_save}}</button></div>
  </form>
</section>
<section class="panel panel-danger">
  <h2>{{T_store_delete_title}}</h2>
  <p class="muted">{{DELETE_INTRO}}</p>
  <form method="post" action="/stores/{{ID}}/delete" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label class="check"><input type="checkbox" name="confirm" value="1" required> {{T_store_delete_confirm}}</label>
    <div class="actions"><button type="submit" class="danger">{{T_store_delete_submit}}</button></div>
  </form>
</section>
</div>
{{/ADMIN}}
