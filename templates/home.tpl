{{%AUTOESCAPE context="HTML"}}
<h1>{{T_home_title}}</h1>
{{#DB_DOWN}}
<p class="banner banner-error" role="alert">{{T_home_db_down}}</p>
{{/DB_DOWN}}
<section class="cards">
  <article class="card">
    <h2>{{T_home_web}}</h2>
    <dl>
      <dt>{{T_home_status}}</dt><dd><span class="badge badge-ok">{{T_status_ok}}</span></dd>
      <dt>{{T_home_version}}</dt><dd class="mono">{{VERSION}}</dd>
      <dt>{{T_home_uptime}}</dt><dd>{{UPTIME}}</dd>
      <dt>{{T_home_threads}}</dt><dd>{{THREADS}}</dd>
    </dl>
  </article>
  <article class="card">
    <h2>{{T_home_database}}</h2>
    <dl>
      <dt>{{T_home_status}}</dt>
      <dd>{{#DB_UP}}<span class="badge badge-ok">{{T_status_ok}}</span>{{/DB_UP}}{{#DB_DOWN}}<span class="badge badge-error">{{T_status_down}}</span>{{/DB_DOWN}}</dd>
      {{#DB_UP}}<dt>{{T_home_schema_version}}</dt><dd>{{SCHEMA_VERSION}}</dd>{{/DB_UP}}
    </dl>
  </article>
  {{#DB_UP}}
  <article class="card">
    <h2>{{T_home_inventory}}</h2>
    <dl>
      <dt>{{T_home_stores}}</dt><dd>{{STORES}}</dd>
      <dt>{{T_home_devices}}</dt><dd>{{DEVICES}}</dd>
    </dl>
  </article>
  {{/DB_UP}}
</section>
{{#DB_UP}}
<section>
  <h2>{{T_home_devices_by_kind}}</h2>
  <table class="grid">
    <thead><tr><th>{{T_col_kind}}</th><th class="num">{{T_col_total}}</th><th class="num">{{T_state_online}}</th><th class="num">{{T_state_pending_offline}}</th><th class="num">{{T_state_offline}}</th><th class="num">{{T_state_unknown}}</th></tr></thead>
    <tbody>
    {{#KIND}}<tr><td>{{NAME}}</td><td class="num">{{TOTAL}}</td><td class="num ok">{{ONLINE}}</td><td class="num warn">{{PENDING}}</td><td class="num bad">{{OFFLINE}}</td><td class="num muted">{{UNKNOWN}}</td></tr>
    {{/KIND}}
    </tbody>
  </table>
</section>
<section>
  <h2>{{T_home_events}}</h2>
  {{#NO_EVENTS}}<p class="muted">{{T_home_no_events}}</p>{{/NO_EVENTS}}
  {{#EVENTS}}
  <table class="grid">
    <thead><tr><th>{{T_col_time}}</th><th>{{T_col_severity}}</th><th>{{T_col_event}}</th><th>{{T_col_message}}</th></tr></thead>
    <tbody>
    {{#EVENT}}<tr><td class="mono">{{AT}}</td><td><span class="badge sev-{{SEVERITY}}">{{SEVERITY_NAME}}</span></td><td class="mono">{{TYPE}}</td><td>{{MESSAGE}}</td></tr>
    {{/EVENT}}
    </tbody>
  </table>
  {{/EVENTS}}
  <p class="muted small">{{T_home_times_utc}}</p>
</section>
{{/DB_UP}}
