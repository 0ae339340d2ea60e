{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="{{LANG}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{PAGE_TITLE}} · InfraScope</title>
<link rel="stylesheet" href="/static/app.css?v={{VERSION}}">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
{{#AUTO_REFRESH}}<meta http-equiv="refresh" content="900">{{/AUTO_REFRESH}}
{{#LIVE_REFRESH}}<meta http-equiv="refresh" content="{{SECONDS}}">{{/LIVE_REFRESH}}
</head>
<body>
<header class="topbar">
  <a class="brand" href="/"><img src="/static/favicon.svg" alt="" width="22" height="22"> InfraScope</a>
  <nav class="nav" aria-label="{{T_nav_label}}">
    {{#NAV}}<a href="{{HREF}}"{{#CURRENT}} aria-current="page"{{/CURRENT}}>{{LABEL}}</a>{{/NAV}}
  </nav>
  {{#SIGNED_IN}}<div class="who">
    <a href="/account" class="who-name">{{USER_NAME}}</a> <span class="muted small">{{USER_ROLE}}</span>
    <form class="inline" method="post" action="/logout">
      <input type="hidden" name="csrf" value="{{CSRF}}">
      <button type="submit" class="link">{{T_logout}}</button>
    </form>
  </div>{{/SIGNED_IN}}
  <form class="lang" method="post" action="/lang">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <input type="hidden" name="next" value="{{CURRENT_PATH}}">
    <span class="lang-label">{{T_lang_switch}}:</span>
    {{#LANG_OPTION}}<button type="submit" name="lang" value="{{CODE}}"{{#ACTIVE}} aria-pressed="true" class="active"{{/ACTIVE}}>{{LABEL}}</button>{{/LANG_OPTION}}
  </form>
</header>
<main class="content">
{{>PAGE}}
</main>
<footer class="footer">InfraScope {{VERSION}}</footer>
</body>
</html>
