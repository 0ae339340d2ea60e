{{%AUTOESCAPE context="HTML"}}
<section class="error-page">
  <p class="error-code">{{STATUS}}</p>
  <h1>{{TITLE}}</h1>
  <p>{{TEXT}}</p>
  <p><a class="button" href="/">{{T_error_back_home}}</a></p>
  <p class="muted small">{{T_error_trace}}: <span class="mono">{{TRACE_ID}}</span></p>
</section>
