{{%AUTOESCAPE context="HTML"}}
<h1>{{T_tasks_title}}</h1>
<p class="muted">{{T_tasks_intro}}</p>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#POLL_ALL}}<p class="poll-all">{{>POLL_ALL_FORM}}</p>{{/POLL_ALL}}
<form class="filters filters-short" method="get" action="/tasks">
  <div class="field">
    <label for="f-state">{{T_tasks_filter_state}}</label>
    <select id="f-state" name="state"><option value="">{{T_tasks_all_states}}</option>{{#STATE_FILTER}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/STATE_FILTER}}</select>
  </div>
  <div class="filter-actions">
    <button type="submit" class="primary">{{T_printers_filter_apply}}</button>
    {{#FILTERED}}<a class="button-secondary" href="/tasks">{{T_printers_filter_reset}}</a>{{/FILTERED}}
  </div>
</form>
<p class="muted small list-meta">{{COUNT}} · {{T_tasks_refresh_note}}</p>
<div class="table-scroll">
<table class="grid tasks">
  <thead><tr><th>{{T_tasks_col_task}}</th><th>{{T_col_state}}</th><th>{{T_tasks_col_progress}}</th><th>{{T_tasks_col_started}}</th><th>{{T_tasks_col_finished}}</th><th>{{T_tasks_col_requested_by}}</th><th>{{T_tasks_col_result}}</th></tr></thead>
  <tbody>
  {{#TASK}}<tr class="task-row task-{{STATE}}">
    <td><a href="/tasks/{{ID}}">#{{ID}} {{KIND_NAME}}</a><div class="muted small">{{SCOPE}}</div></td>
    <td><span class="badge task-state-{{STATE}}">{{STATE_NAME}}</span></td>
    <td class="progress-cell">{{#PROGRESS}}<progress value="{{DONE}}" max="{{TOTAL}}">{{TEXT}}</progress> <span class="small nowrap">{{TEXT}}</span>{{/PROGRESS}}{{#PROGRESS_UNKNOWN}}<progress>…</progress>{{/PROGRESS_UNKNOWN}}{{#NOTE}}<div class="muted small">{{TEXT}}</div>{{/NOTE}}</td>
    <td class="small nowrap">{{STARTED}}</td>
    <td class="small nowrap">{{FINISHED}}</td>
    <td class="small">{{REQUESTED_BY}}</td>
    <td class="small">{{#RESULT_SHORT}}{{TEXT}}{{#ERRORS}}<div class="bad">{{TEXT}}</div>{{/ERRORS}}{{/RESULT_SHORT}}{{#ERROR_SHORT}}<span class="bad">{{TEXT}}</span>{{/ERROR_SHORT}}</td>
  </tr>
  {{/TASK}}
  {{#NO_TASKS}}<tr><td colspan="7" class="muted">{{T_tasks_none}}</td></tr>{{/NO_TASKS}}
  {{#NO_MATCH}}<tr><td colspan="7" class="muted">{{T_tasks_no_match}}</td></tr>{{/NO_MATCH}}
  </tbody>
</table>
</div>
{{#PAGER}}<nav class="pager" aria-label="{{T_pager_label}}">
  {{#PREV}}<a class="button-secondary" href="/tasks?state={{STATE_Q}}&amp;offset={{OFFSET}}">{{T_pager_prev}}</a>{{/PREV}}
  <span class="muted">{{RANGE}}</span>
  {{#NEXT}}<a class="button-secondary" href="/tasks?state={{STATE_Q}}&amp;offset={{OFFSET}}">{{T_pager_next}}</a>{{/NEXT}}
</nav>{{/PAGER}}
<p class="muted small">{{T_home_times_utc}}</p>
