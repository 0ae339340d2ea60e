{{%AUTOESCAPE context="HTML"}}
<p class="crumbs"><a href="/printers">{{T_printer_back}}</a></p>
<div class="printer-head">
  <h1 class="with-badges"><span class="break">{{NAME}}</span> <span class="badge state-{{STATE}}">{{STATE_NAME}}</span> <span class="badge badge-off">{{KIND_NAME}}</span></h1>
  {{#CIRCUIT_OPEN}}<p class="banner banner-error">{{T_printer_circuit_open}} {{T_printer_failures_in_a_row}}: {{FAILURES}}. {{T_printer_circuit_since}} {{SINCE}}.</p>{{/CIRCUIT_OPEN}}
  {{#PENDING_NOTE}}<p class="banner banner-warn">{{T_printer_pending_note}} {{T_printer_failures_in_a_row}}: {{FAILURES}}.</p>{{/PENDING_NOTE}}
  {{#POLL_FORM}}<form method="post" action="/printers/{{ID}}/poll" class="inline poll-form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <button type="submit" class="primary">{{T_printer_poll_now}}</button>
  </form>{{/POLL_FORM}}
</div>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
{{#USB_NOTE}}<p class="banner banner-info">{{TEXT}}</p>{{/USB_NOTE}}
{{#MAC_MISMATCH}}<p class="banner banner-error" role="alert">{{T_printer_mac_mismatch_banner}} <span class="mono">{{ADDRESS}}</span> — MAC <span class="mono">{{FOREIGN_MAC}}</span>.</p>{{/MAC_MISMATCH}}

<div class="printer-grid">
<section class="card">
  <h2>{{T_printer_identity}}</h2>
  <dl>
    <dt>{{T_printers_col_store}}</dt><dd>{{#STORE}}<span class="mono">{{CODE}}</span> — {{STORE_NAME}}{{/STORE}}{{#NO_STORE}}<span class="muted">—</span>{{/NO_STORE}}</dd>
    {{#IP}}<dt>{{T_printers_col_address}}</dt><dd class="mono">{{ADDRESS}}</dd>{{#HOST_NOTE}}<dt>{{T_printer_field_host_pc}}</dt><dd class="mono">{{HOST_PC}}</dd>{{/HOST_NOTE}}{{/IP}}
    {{#USB}}<dt>{{T_printer_field_connection}}</dt><dd><span class="badge badge-usb">USB</span> {{T_printers_via_pc}} <span class="mono">{{HOST_PC}}</span></dd>{{/USB}}
    <dt>{{T_printer_field_model}}</dt><dd>{{MODEL}}</dd>
    <dt>{{T_printer_vendor}}</dt><dd>{{VENDOR}}</dd>
    <dt>{{T_printer_serial}}</dt><dd class="mono">{{SERIAL}}</dd>
    <dt>{{T_printer_firmware}}</dt><dd class="mono">{{FIRMWARE}}</dd>
    <dt>MAC</dt><dd><span class="mono">{{MAC}}</span> {{#MAC_VERIFIED}}<span class="badge badge-ok">{{T_printer_mac_verified}}</span>{{/MAC_VERIFIED}}{{#MAC_MISMATCH}}<span class="badge badge-error">{{T_printer_mac_mismatch}}</span>{{/MAC_MISMATCH}}{{#MAC_UNKNOWN}}<span class="badge badge-off">{{T_printer_mac_unknown}}</span>{{/MAC_UNKNOWN}}</dd>
    <dt>SNMP</dt><dd>{{SNMP}}, {{COMMUNITY_STATE}}</dd>
    <dt>{{T_printer_sys_name}}</dt><dd class="mono">{{SYS_NAME}}</dd>
    <dt>{{T_printer_sys_descr}}</dt><dd class="small">{{SYS_DESCR}}</dd>
  </dl>
</section>
<section class="card">
  <h2>{{T_printer_status}}</h2>
  <dl>
    <dt>{{T_printer_severity}}</dt><dd><span class="badge sev-{{SEVERITY}}">{{SEVERITY_NAME}}</span></dd>
    <dt>{{T_printer_device_status}}</dt><dd>{{DEVICE_STATUS}}</dd>
    <dt>{{T_printer_printer_status}}</dt><dd>{{PRINTER_STATUS}}</dd>
    {{#RAW_PORT}}<dt>{{T_printer_raw_port}}</dt><dd>{{TEXT}}</dd>{{/RAW_PORT}}
    <dt>{{T_printer_conditions}}</dt><dd>{{#CONDITION}}<span class="badge badge-error condition" title="{{CODE}}">{{TEXT}}</span> {{/CONDITION}}{{#NO_CONDITIONS}}<span class="muted">{{T_printer_no_conditions}}</span>{{/NO_CONDITIONS}}</dd>
    <dt>{{T_printer_page_count}}</dt><dd>{{PAGE_COUNT}}</dd>
    <dt>{{T_printer_read_at}}</dt><dd><span class="mono">{{READ_AT}}</span>{{#READ_AGE}} <span class="muted small">({{AGE}})</span>{{/READ_AGE}}</dd>
    <dt>{{T_printer_last_polled}}</dt><dd class="mono">{{LAST_POLLED}}</dd>
    <dt>{{T_printer_last_seen}}</dt><dd class="mono">{{LAST_SEEN}}</dd>
    {{#LAST_ERROR}}<dt>{{T_printer_last_error}}</dt><dd class="bad">{{TEXT}}</dd>{{/LAST_ERROR}}
  </dl>
</section>
</div>

{{#READINGS}}<section class="panel toner-panel">
  <h2>{{T_printer_toner}}</h2>
  <div class="toner-summary">{{#COLOUR}}{{>BAR}}{{/COLOUR}}</div>
  {{#NO_COLOURS}}<p class="muted">{{T_printer_no_colours}}</p>{{/NO_COLOURS}}
</section>

<section class="panel">
  <h2>{{T_printer_supplies}}</h2>
  {{#NO_SUPPLIES}}<p class="muted">{{T_printer_no_supplies}}</p>{{/NO_SUPPLIES}}
  {{#SUPPLIES}}<div class="table-scroll">
  <table class="grid supplies">
    <thead><tr><th>#</th><th>{{T_printer_col_description}}</th><th>{{T_printer_col_type}}</th><th>{{T_printer_col_class}}</th><th>{{T_printer_col_colour}}</th><th class="num">{{T_printer_col_max}}</th><th class="num">{{T_printer_col_level}}</th><th>{{T_printer_col_remaining}}</th></tr></thead>
    <tbody>
    {{#SUPPLY}}<tr{{#TONER}} class="is-toner"{{/TONER}}>
      <td class="num">{{INDEX}}</td>
      <td class="break">{{DESCRIPTION}}</td>
      <td class="mono small">{{TYPE}}</td>
      <td class="small">{{CLASS}}</td>
      <td class="nowrap">{{#SWATCH}}<span class="swatch swatch-{{COLOUR}}"></span> {{NAME}}{{/SWATCH}}</td>
      <td class="num mono">{{MAX}}</td>
      <td class="num mono">{{LEVEL}}</td>
      <td>{{#LEVEL_BAR}}{{>BAR}}{{/LEVEL_BAR}}{{#RECEPTACLE}}<span class="small">{{TEXT}}</span>{{/RECEPTACLE}}</td>
    </tr>
    {{/SUPPLY}}
    </tbody>
  </table>
  </div>
  <p class="muted small">{{T_printer_supplies_legend}}</p>{{/SUPPLIES}}
</section>

<section class="panel">
  <h2>{{T_printer_history}}</h2>
  {{#NO_CHARTS}}<p class="muted">{{T_printer_no_history}}</p>{{/NO_CHARTS}}
  <div class="charts">
  {{#CHART}}<figure class="chart-box chart-{{COLOUR}}" data-supply="{{SUPPLY}}">
    <figcaption>{{NAME}}</figcaption>
    {{! The one value not escaped here: lib/svg_chart's SVG, which escapes every text itself. }}{{CHART:none}}
  </figure>
  {{/CHART}}
  </div>
  <p class="muted small">{{T_printer_history_note}} {{T_home_times_utc}}</p>
</section>{{/READINGS}}
{{#LABEL_NO_READINGS}}<p class="muted">{{T_printer_label_no_supplies}}</p>{{/LABEL_NO_READINGS}}

{{#ADMIN}}<section class="panel" id="edit-printer">
  <h2>{{T_printer_edit}}</h2>
  <form method="post" action="/printers/{{ID}}" class="form form-wide">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    {{>FORM}}
    <div class="actions field-full"><button type="submit" class="primary">{{T_form_save}}</button></div>
  </form>
</section>
<section class="panel panel-danger" id="delete-printer">
  <h2>{{T_printer_delete_title}}</h2>
  <p class="muted">{{T_printer_delete_intro}}</p>
  <form method="post" action="/printers/{{ID}}/delete" class="form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label class="check"><input type="checkbox" name="confirm" value="1" required> {{T_printer_delete_confirm}}</label>
    <div class="actions"><button type="submit" class="danger">{{T_printer_delete_submit}}</button></div>
  </form>
</section>{{/ADMIN}}
