{{%AUTOESCAPE context="HTML"}}
<p class="crumbs"><a href="/tasks">{{T_task_back}}</a></p>
<h1 class="with-badges"><span>#{{ID}} {{KIND_NAME}}</span> <span class="badge task-state-{{STATE}}">{{STATE_NAME}}</span></h1>
{{#NOTICE}}<p class="banner banner-ok" role="status">{{MESSAGE}}</p>{{/NOTICE}}
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#LIVE}}<p class="muted small">{{LIVE_NOTE}}</p>{{/LIVE}}
<dl class="facts">
  <dt>{{T_task_field_scope}}</dt><dd>{{SCOPE}}</dd>
  <dt>{{T_tasks_col_progress}}</dt><dd class="progress-cell">{{#PROGRESS}}<progress value="{{DONE}}" max="{{TOTAL}}">{{TEXT}}</progress> <span class="nowrap">{{TEXT}}</span>{{/PROGRESS}}{{#PROGRESS_UNKNOWN}}<progress>…</progress>{{/PROGRESS_UNKNOWN}}{{#NOTE}}<div class="muted small">{{TEXT}}</div>{{/NOTE}}</dd>
  <dt>{{T_task_field_created}}</dt><dd class="mono">{{CREATED}}</dd>
  <dt>{{T_tasks_col_started}}</dt><dd class="mono">{{STARTED}}</dd>
  <dt>{{T_tasks_col_finished}}</dt><dd class="mono">{{FINISHED}}</dd>
  <dt>{{T_tasks_col_requested_by}}</dt><dd>{{REQUESTED_BY}}</dd>
  {{#PROCESS}}<dt>{{T_task_field_process}}</dt><dd class="mono">{{PID}} @ {{HOST}}</dd>{{/PROCESS}}
  {{#TRACE}}<dt>{{T_task_field_trace}}</dt><dd class="mono break">{{TRACE_ID}}</dd>{{/TRACE}}
</dl>
{{#RESULT}}<section>
  <h2>{{T_task_result}}</h2>
  <table class="grid result">
    <tbody>
    {{#RESULT_ROW}}<tr><th>{{LABEL}}</th><td class="num">{{VALUE}}</td></tr>
    {{/RESULT_ROW}}
    <tr><th>{{T_task_result_duration}}</th><td class="num">{{DURATION}}</td></tr>
    </tbody>
  </table>
</section>{{/RESULT}}
<p class="muted small">{{T_home_times_utc}}</p>
