{{%AUTOESCAPE context="HTML"}}
<section class="narrow">
<h1>{{T_login_title}}</h1>
<p class="muted">{{T_login_intro}}</p>
{{#ERROR}}<p class="banner banner-error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<form method="post" action="/login" class="form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="next" value="{{NEXT}}">
  <label for="email">{{T_field_email}}</label>
  <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="{{EMAIL}}" autofocus>
  <label for="password">{{T_field_password}}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128">
  <button type="submit" class="primary">{{T_login_submit}}</button>
</form>
</section>
