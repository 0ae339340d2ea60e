{{%AUTOESCAPE context="HTML"}}
<form method="post" action="/tasks/poll-all" class="inline poll-all-form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="store" value="{{STORE}}">
  <input type="hidden" name="kind" value="{{KIND}}">
  <button type="submit" class="primary"{{#RUNNING}} disabled{{/RUNNING}}>{{T_tasks_poll_all}}</button>
  <span class="muted small">{{SCOPE}}</span>{{#RUNNING}} <a class="small poll-all-running" href="/tasks/{{TASK_ID}}">{{RUNNING_TEXT}}</a>{{/RUNNING}}
</form>
