# The JSON API's edge behaviour through nginx: health, routing errors, limits, headers.
. "$(dirname "$0")/lib.sh"

migrations=$(ls "$REPO"/sql/[0-9][0-9][0-9][0-9]_*.sql | wc -l)

http GET /api/v1/health
expect_eq "health answers 200" "$STATUS" 200
expect_eq "health is JSON" "$(header content-type)" "application/json"
expect_eq "health status ok" "$(json .status)" ok
expect_eq "health db ok" "$(json .db)" ok
expect_eq "health schema_version is the newest migration" "$(json .schema_version)" "$migrations"
expect_match "health carries the build version" "$(json .version)" '^[0-9]+\.[0-9]+\.[0-9]+\+'
expect_match "every answer carries a trace id" "$(header x-trace-id)" '^[0-9a-f]{32}$'

http HEAD /api/v1/health -I
expect_eq "HEAD is allowed where GET is" "$STATUS" 200
# curl -I prints the headers where the body would go: no JSON may follow them.
expect_no_match "HEAD has no body" "$BODY" '"status"' 

http DELETE /api/v1/health
expect_eq "DELETE health is 405" "$STATUS" 405
expect_eq "405 names the allowed methods" "$(header allow)" "GET, HEAD, OPTIONS"
expect_eq "405 is a JSON error" "$(json .error.code)" method_not_allowed

http OPTIONS /api/v1/health
expect_eq "OPTIONS answers 204" "$STATUS" 204
expect_eq "OPTIONS lists Allow" "$(header allow)" "GET, HEAD, OPTIONS"

http GET /api/v1/x
expect_eq "unknown API path is 404" "$STATUS" 404
expect_eq "404 under /api is JSON" "$(header content-type)" "application/json"
expect_eq "404 uses the error shape" "$(json '.error | keys | join(",")')" "code,message"

http GET /api/v1/health/
expect_eq "a trailing slash is another path" "$STATUS" 404

http GET '/api/v1/health?x=%zz'
expect_eq "broken percent-encoding is 400" "$STATUS" 400
expect_eq "400 is a JSON error" "$(json .error.code)" bad_request

head -c 2097152 /dev/zero | tr '\0' 'a' >"$T_TMP/2mb"
http PUT /api/v1/session/language -H 'Content-Type: application/json' --data-binary "@$T_TMP/2mb"
expect_eq "a 2 MB body is 413" "$STATUS" 413
expect_eq "413 is a JSON error" "$(json .error.code)" body_too_large
expect_match "413 says the limit" "$(json .error.message)" '1048576'

head -c 9437184 /dev/zero | tr '\0' 'a' >"$T_TMP/9mb"
http PUT /api/v1/session/language -H 'Content-Type: application/json' --data-binary "@$T_TMP/9mb"
expect_eq "a body over nginx's bound is 413 too" "$STATUS" 413
expect_eq "and nginx answers in the same JSON shape" "$(json .error.code)" body_too_large

http PUT /api/v1/session/language -H 'Content-Type: application/json' --data '{"a":'
expect_eq "malformed JSON is 400" "$STATUS" 400
expect_eq "malformed JSON has its own code" "$(json .error.code)" invalid_json
expect_match "the message names the problem" "$(json .error.message)" 'unexpected end of data at offset 5'

http PATCH /api/v1/users/me -H 'Content-Type: application/json' --data '{"a":'
expect_eq "a route that needs sign-in answers 401 before it looks at the body" "$STATUS" 401
expect_eq "in the JSON error shape" "$(json .error.code)" unauthorized
http PATCH /api/v1/users/me -H "Authorization: Bearer $(admin_token)" -H 'Content-Type: application/json' --data '{"a":'
expect_eq "signed in, the same malformed body is 400" "$STATUS $(json .error.code)" "400 invalid_json"

http PUT /api/v1/session/language -H 'Content-Type: application/json' --data '{"lang":"en"} trailing'
expect_eq "data after the JSON value is 400" "$STATUS" 400

http PUT /api/v1/session/language -H 'Content-Type: application/json' --data '{"lang":"de"}'
expect_eq "an unsupported language is 422" "$STATUS" 422
expect_eq "422 is a validation error" "$(json .error.code)" validation_failed

http PUT /api/v1/session/language -H 'Content-Type: application/json' --data '{"lang":"en"}'
expect_eq "choosing a language answers 200" "$STATUS" 200
expect_match "and sets the lang cookie" "$(header set-cookie)" '^lang=en; Path=/; .*HttpOnly'

http GET /api/v1/health -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
expect_eq "an incoming traceparent's trace id is kept" "$(header x-trace-id)" 4bf92f3577b34da6a3ce929d0e0e4736

http GET /api/v1/health -H 'traceparent: garbage'
expect_match "a malformed traceparent gets a fresh id" "$(header x-trace-id)" '^[0-9a-f]{32}$'

http GET /api/v1/health
expect_match "CSP default-src 'self'" "$(header content-security-policy)" "^default-src 'self'"
expect_eq "X-Frame-Options DENY" "$(header x-frame-options)" DENY
expect_eq "X-Content-Type-Options nosniff" "$(header x-content-type-options)" nosniff
expect_eq "Referrer-Policy" "$(header referrer-policy)" same-origin
expect_eq "API answers are not cached" "$(header cache-control)" no-store
expect_eq "nginx does not advertise its version" "$(header server)" nginx

http GET /static/app.css
expect_eq "static files are served by nginx" "$STATUS" 200
expect_match "static files are cached for a week" "$(header cache-control)" 'max-age=604800'
expect_match "static files carry the security headers too" "$(header x-content-type-options)" nosniff

http GET /api/v1/health -H 'Content-Type: application/json' --data-binary '{"a":' -X GET
expect_eq "even a GET with a broken JSON body is refused" "$STATUS" 400

done_testing
