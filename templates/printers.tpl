{{%AUTOESCAPE context="HTML"}}
<h1>{{T_printers_title}}</h1>
<p class="muted">{{T_printers_intro}}</p>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
<form class="filters" method="get" action="/printers" role="search">
  <div class="field field-search">
    <label for="f-q">{{T_printers_search}}</label>
    <input id="f-q" name="q" type="search" maxlength="200" value="{{Q}}" placeholder="{{T_printers_search_hint}}">
  </div>
  <div class="field">
    <label for="f-store">{{T_printers_filter_store}}</label>
    <select id="f-store" name="store"><option value="">{{T_printers_all_stores}}</option>{{#STORE_FILTER}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/STORE_FILTER}}</select>
  </div>
  <div class="field">
    <label for="f-kind">{{T_printers_filter_kind}}</label>
    <select id="f-kind" name="kind"><option value="">{{T_printers_all_kinds}}</option>{{#KIND_FILTER}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/KIND_FILTER}}</select>
  </div>
  <div class="field">
    <label for="f-state">{{T_printers_filter_state}}</label>
    <select id="f-state" name="state"><option value="">{{T_printers_all_states}}</option>{{#STATE_FILTER}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/STATE_FILTER}}</select>
  </div>
  <div class="filter-actions">
    <button type="submit" class="primary">{{T_printers_filter_apply}}</button>
    {{#FILTERED}}<a class="button-secondary" href="/printers">{{T_printers_filter_reset}}</a>{{/FILTERED}}
  </div>
</form>
<p class="muted small list-meta">{{COUNT}} · {{T_printers_refresh_note}}</p>
{{#POLL_ALL}}<p class="poll-all">{{>POLL_ALL_FORM}}</p>{{/POLL_ALL}}
<div class="table-scroll">
<table class="grid printers">
  <thead><tr><th>{{T_printers_col_printer}}</th><th>{{T_printers_col_store}}</th><th>{{T_printers_col_address}}</th><th>{{T_col_state}}</th><th>{{T_printers_col_toner}}</th><th>{{T_printers_col_reading}}</th><th>{{T_printers_col_error}}</th></tr></thead>
  <tbody>
  {{#PRINTER}}<tr class="printer-row state-row-{{STATE}}">
    <td class="printer-name"><a href="/printers/{{ID}}">{{NAME}}</a><div class="muted small">{{MODEL}}{{#LABEL_KIND}}{{#HAS_MODEL}} · {{/HAS_MODEL}}{{KIND_NAME}}{{/LABEL_KIND}}</div></td>
    <td class="store-cell">{{#STORE}}<span class="mono">{{CODE}}</span><div class="muted small">{{STORE_NAME}}</div>{{/STORE}}{{#NO_STORE}}<span class="muted">—</span>{{/NO_STORE}}</td>
    <td class="address-cell nowrap">{{#IP}}<span class="mono">{{ADDRESS}}</span>{{/IP}}{{#USB}}<span class="badge badge-usb">USB</span><div class="muted small">{{T_printers_via_pc}} <span class="mono">{{HOST_PC}}</span></div>{{/USB}}</td>
    <td class="state-cell"><span class="badge state-{{STATE}}">{{STATE_NAME}}</span>{{#MAC_MISMATCH}}<div class="small bad">{{T_printers_mac_mismatch_short}}</div>{{/MAC_MISMATCH}}{{#CIRCUIT_OPEN}}<div class="small bad">{{T_printers_circuit_open_short}}</div>{{/CIRCUIT_OPEN}}</td>
    <td class="toner-cell">{{#TONER}}{{>BAR}}{{/TONER}}{{#NO_TONER}}<span class="muted small">{{TEXT}}</span>{{/NO_TONER}}</td>
    <td class="age-cell small nowrap{{#STALE}} stale{{/STALE}}"><span class="phone-only">{{T_printers_col_reading}}: </span>{{AGE}}</td>
    <td class="small error-cell">{{#LAST_ERROR}}<span title="{{FULL}}">{{SHORT}}</span>{{/LAST_ERROR}}</td>
  </tr>
  {{/PRINTER}}
  {{#NO_PRINTERS}}<tr><td colspan="7" class="muted">{{T_printers_none}}</td></tr>{{/NO_PRINTERS}}
  {{#NO_MATCH}}<tr><td colspan="7" class="muted">{{T_printers_no_match}}</td></tr>{{/NO_MATCH}}
  </tbody>
</table>
</div>
{{#PAGER}}<nav class="pager" aria-label="{{T_pager_label}}">
  {{#PREV}}<a class="button-secondary" href="/printers?q={{Q}}&amp;store={{STORE_Q}}&amp;kind={{KIND_Q}}&amp;state={{STATE_Q}}&amp;offset={{OFFSET}}">{{T_pager_prev}}</a>{{/PREV}}
  <span class="muted">{{RANGE}}</span>
  {{#NEXT}}<a class="button-secondary" href="/printers?q={{Q}}&amp;store={{STORE_Q}}&amp;kind={{KIND_Q}}&amp;state={{STATE_Q}}&amp;offset={{OFFSET}}">{{T_pager_next}}</a>{{/NEXT}}
</nav>{{/PAGER}}
<p class="muted small">{{T_printers_legend}}</p>

{{#CREATE}}<section class="panel" id="new-printer">
  <details{{#OPEN}} open{{/OPEN}}>
    <summary><h2>{{T_printers_new}}</h2></summary>
    <form method="post" action="/printers" class="form form-wide">
      <input type="hidden" name="csrf" value="{{CSRF}}">
      {{>FORM}}
      <div class="actions field-full"><button type="submit" class="primary">{{T_printers_create_submit}}</button></div>
    </form>
  </details>
</section>{{/CREATE}}
