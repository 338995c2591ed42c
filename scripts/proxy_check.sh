#!/usr/bin/env bash
# Behind a TLS proxy, end to end: nginx (Debian's package) terminates TLS with a throwaway
# self-signed certificate in front of `alliance serve` in production mode, with 127.0.0.1,
# nginx's address, as the only trusted proxy. A clinician signs in (password and TOTP code),
# opens a chart and makes a client link; a client on another address submits it. Checked:
# HSTS and Secure cookies over HTTPS, http -> https redirects (nginx's and the app's), https
# client links, the client's own address in the audit trail (not the proxy's, not one the
# client forged), and forged X-Forwarded-* headers sent straight to the app's port from
# another address (127.0.0.2) not believed. Everything lives in one temporary folder and is
# stopped and removed on the way out. Run from the repository with its .venv installed
# (CI: .ci/run); as root it installs nginx when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
alliance=${ALLIANCE:-.venv/bin/alliance}
python=${PYTHON:-.venv/bin/python}

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
    started_before=$([ -e /run/nginx.pid ] && echo yes || echo no)
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # The package may start its default site on port 80: only the program is needed here.
    if [ "$started_before" = no ] && [ -e /run/nginx.pid ]; then
        /usr/sbin/nginx -s quit 2>/dev/null || true
    fi
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
app_pid="" nginx_pid=""
stop() {
    # stop PID: a process started with setsid (its whole group), and wait for it.
    [ -n "${1:-}" ] || return 0
    kill -- -"$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
on_exit() {
    stop "$nginx_pid"
    stop "$app_pid"
    rm -rf "$work"
}
trap on_exit EXIT
fail() {
    echo "proxy check: $*" >&2
    for log in "$work/serve.log" "$work/nginx-error.log"; do
        [ -s "$log" ] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }
    done
    exit 1
}

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
app_port=$(free_port)
https_port=$(free_port)
http_port=$(free_port)
site="https://localhost:$https_port"

# nginx's workers (nobody) pass through this folder to their temporary files; the app's
# data and the keys stay private.
chmod 711 "$work"
mkdir -m 700 "$work/data" "$work/mail"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost" \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

secret() { "$python" -c 'import secrets; print(secrets.token_urlsafe(60))'; }
export ALLIANCE_ENV=production
ALLIANCE_SECRET_KEY=$(secret)
ALLIANCE_AUDIT_KEY=$(secret)
export ALLIANCE_SECRET_KEY ALLIANCE_AUDIT_KEY
export ALLIANCE_ALLOWED_HOSTS=localhost
export ALLIANCE_TRUSTED_PROXIES=127.0.0.1
export ALLIANCE_DATA_DIR="$work/data"
export ALLIANCE_BASE_URL="$site"
export ALLIANCE_EMAIL_FILE_PATH="$work/mail"
export ALLIANCE_TASK_WORKER=off
unset DATABASE_URL REDIS_URL ALLIANCE_RELAX_MFA DJANGO_SETTINGS_MODULE

echo "== accounts: an organization, its admin, clinician1 with a TOTP device, one client"
"$alliance" manage migrate -v 0
password=$("$python" -c 'import secrets; print(secrets.token_urlsafe(18))')
export PROXY_CHECK_PASSWORD="$password"
"$alliance" manage create_organization clinic "Proxy check clinic" admin \
    --password-env PROXY_CHECK_PASSWORD
made=$("$alliance" manage shell -c '
import os
from django_otp.plugins.otp_totp.models import TOTPDevice
from alliance.care.models import Organization
from alliance.care.services.admin import add_member
from alliance.care.services.clients import add_client
organization = Organization.objects.get(slug="clinic")
clinician = add_member(organization=organization, username="clinician1", role="clinician",
                       password=os.environ["PROXY_CHECK_PASSWORD"])
device = TOTPDevice.objects.create(user=clinician, name="phone", confirmed=True)
client = add_client(clinician=clinician, organization=organization, code="PX-1")
print("totp", device.key)
print("client", client.pk)
')
totp_key=$(sed -n 's/^totp //p' <<<"$made")
client_pk=$(sed -n 's/^client //p' <<<"$made")
[ -n "$totp_key" ] && [ -n "$client_pk" ] || fail "no account made: $made"

echo "== alliance serve (production, waitress) on 127.0.0.1:$app_port, nginx on $https_port"
setsid "$alliance" serve --host 127.0.0.1 --port "$app_port" >"$work/serve.log" 2>&1 &
app_pid=$!
mkdir -m 700 "$work/nginx-temp"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
daemon off;
events { worker_connections 64; }
http {
    access_log $work/nginx-access.log;
    client_body_temp_path $work/nginx-temp/body;
    proxy_temp_path $work/nginx-temp/proxy;
    fastcgi_temp_path $work/nginx-temp/fastcgi;
    uwsgi_temp_path $work/nginx-temp/uwsgi;
    scgi_temp_path $work/nginx-temp/scgi;
    # SECURITY.md's example, on test ports: plain HTTP is sent to HTTPS ...
    server {
        listen 127.0.0.1:$http_port;
        return 301 https://\$host:$https_port\$request_uri;
    }
    # ... and HTTPS is passed to the app with what nginx saw. \$http_host keeps the port,
    # which a site on 443 does not need (\$host).
    server {
        listen 127.0.0.1:$https_port ssl;
        ssl_certificate $work/cert.pem;
        ssl_certificate_key $work/key.pem;
        location / {
            proxy_pass http://127.0.0.1:$app_port;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
EOF
setsid "$nginx" -e "$work/nginx-error.log" -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
for _ in $(seq 120); do
    grep -q "Alliance Monitor at http" "$work/serve.log" && break
    kill -0 "$app_pid" 2>/dev/null || fail "alliance serve stopped"
    sleep 0.5
done
grep -q "Alliance Monitor at http" "$work/serve.log" || fail "alliance serve did not start in 60 s"
# "localhost" is nginx on 127.0.0.1 for every curl here, whatever /etc/hosts says of ::1.
curl() {
    command curl --resolve "localhost:$https_port:127.0.0.1" \
        --resolve "localhost:$http_port:127.0.0.1" "$@"
}
for _ in $(seq 40); do
    curl -sk -o /dev/null "$site/health/" && break
    kill -0 "$nginx_pid" 2>/dev/null || fail "nginx stopped"
    sleep 0.25
done

# curl through nginx (certificate not checked: it is the throwaway one), from a chosen
# loopback address: 127.0.0.4 is the clinician, 127.0.0.3 the client.
through() { curl -sSk --interface "$1" "${@:2}"; }
status_of() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$1"; }
header_of() { sed -n "s/^$2: *\(.*\)\r\$/\1/Ip" "$1" | head -1; }
csrf_of() { sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$1" | head -1; }
check() {
    # check WHAT ACTUAL EXPECTED
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
    echo "ok: $1"
}

echo "== HTTPS through nginx: HSTS, Secure cookies"
through 127.0.0.4 -D "$work/h" -o "$work/page" -c "$work/clinician.jar" "$site/login/"
check "the sign-in page over HTTPS" "$(status_of "$work/h")" 200
case "$(header_of "$work/h" Strict-Transport-Security)" in
    max-age=31536000*) echo "ok: HSTS is sent" ;;
    *) fail "no HSTS header over HTTPS" ;;
esac
grep -qi '^set-cookie: csrftoken=.*; Secure' "$work/h" || fail "the CSRF cookie is not Secure"
echo "ok: the CSRF cookie is Secure"

echo "== plain HTTP is redirected to HTTPS"
curl -sS -o /dev/null -D "$work/h" "http://localhost:$http_port/login/"
check "nginx's plain-HTTP port" "$(status_of "$work/h")" 301
check "its redirect" "$(header_of "$work/h" Location)" "$site/login/"
curl -sS -o /dev/null -D "$work/h" -H "Host: localhost" -H "X-Forwarded-Proto: http" \
    "http://127.0.0.1:$app_port/login/"
check "the app, told 'http' by the trusted proxy" "$(status_of "$work/h")" 301
check "the app's redirect" "$(header_of "$work/h" Location)" "https://localhost/login/"

echo "== forged headers straight to the app's port, from 127.0.0.2, are not believed"
curl -sS --interface 127.0.0.2 -o /dev/null -D "$work/h" -H "Host: localhost" \
    -H "X-Forwarded-Proto: https" -H "X-Forwarded-For: 203.0.113.66" \
    "http://127.0.0.1:$app_port/login/"
check "a forged X-Forwarded-Proto: https" "$(status_of "$work/h")" 301
[ -z "$(header_of "$work/h" Strict-Transport-Security)" ] || fail "HSTS sent to a forger"

echo "== clinician1 signs in through nginx: password, then the TOTP code"
through 127.0.0.4 -D "$work/h" -o /dev/null -b "$work/clinician.jar" -c "$work/clinician.jar" \
    -H "Referer: $site/login/" --data-urlencode "csrfmiddlewaretoken=$(csrf_of "$work/page")" \
    --data-urlencode "username=clinician1" --data-urlencode "password=$password" "$site/login/"
check "the password" "$(status_of "$work/h")" 302
grep -qi '^set-cookie: sessionid=.*; Secure' "$work/h" || fail "the session cookie is not Secure"
grep -qi '^set-cookie: sessionid=.*; HttpOnly' "$work/h" || fail "the session cookie is readable by scripts"
echo "ok: the session cookie is Secure and HttpOnly"
through 127.0.0.4 -o "$work/page" -b "$work/clinician.jar" -c "$work/clinician.jar" "$site/2fa/"
code=$("$python" -c 'import binascii, sys
from django_otp.oath import totp
print(f"{totp(binascii.unhexlify(sys.argv[1])):06d}")' "$totp_key")
through 127.0.0.4 -D "$work/h" -o /dev/null -b "$work/clinician.jar" -c "$work/clinician.jar" \
    -H "Referer: $site/2fa/" --data-urlencode "csrfmiddlewaretoken=$(csrf_of "$work/page")" \
    --data-urlencode "token=$code" "$site/2fa/"
check "the TOTP code" "$(status_of "$work/h")" 302

echo "== the chart, a session and its client link"
through 127.0.0.4 -D "$work/h" -o "$work/page" -b "$work/clinician.jar" "$site/clients/$client_pk/"
check "client PX-1's chart" "$(status_of "$work/h")" 200
through 127.0.0.4 -D "$work/h" -o /dev/null -b "$work/clinician.jar" -c "$work/clinician.jar" \
    -H "Referer: $site/clients/$client_pk/" \
    --data-urlencode "csrfmiddlewaretoken=$(csrf_of "$work/page")" "$site/clients/$client_pk/sessions/"
check "a new session" "$(status_of "$work/h")" 302
session_url=$(header_of "$work/h" Location)
session_url=$site${session_url#"$site"}
through 127.0.0.4 -o "$work/page" -b "$work/clinician.jar" -c "$work/clinician.jar" "$session_url"
through 127.0.0.4 -D "$work/h" -o /dev/null -b "$work/clinician.jar" -c "$work/clinician.jar" \
    -H "Referer: $session_url" --data-urlencode "csrfmiddlewaretoken=$(csrf_of "$work/page")" \
    --data-urlencode "phase=end" "$session_url"
check "a link for the SRS" "$(status_of "$work/h")" 302
through 127.0.0.4 -o "$work/page" -b "$work/clinician.jar" -c "$work/clinician.jar" "$session_url"
link=$(grep -o 'https\?://[^"< ]*/f/[A-Za-z0-9_-]*/' "$work/page" | head -1)
case "$link" in
    "$site/f/"*) echo "ok: the client link is an https link on the proxy's address" ;;
    *) fail "the client link is '$link', not under $site/f/" ;;
esac

echo "== the client, at 127.0.0.3, submits the link (with a forged X-Forwarded-For)"
through 127.0.0.3 -o "$work/page" -c "$work/client.jar" -H "X-Forwarded-For: 6.6.6.6" "$link"
through 127.0.0.3 -D "$work/h" -o "$work/thanks" -b "$work/client.jar" -H "Referer: $link" \
    -H "X-Forwarded-For: 6.6.6.6" --data-urlencode "csrfmiddlewaretoken=$(csrf_of "$work/page")" \
    -d "srs-1=8.5" -d "srs-2=9" -d "srs-3=7.5" -d "srs-4=9.2" "$link"
check "the submission" "$(status_of "$work/h")" 200
grep -q "Thank you" "$work/thanks" || fail "the client was not thanked"

echo "== the audit trail holds the client's and the clinician's own addresses"
addresses=$("$alliance" manage shell -c '
from alliance.audit.models import AuditEvent
def last(**where):
    return AuditEvent.objects.filter(**where).order_by("-id").values_list("address", flat=True)[0]
print("form", last(action="create", object_type="administration"))
print("sign-in", last(action="sign_in", username="clinician1"))
print("chart", last(action="read", object_type="client"))
')
check "the stored form's address" "$(sed -n 's/^form //p' <<<"$addresses")" 127.0.0.3
check "the sign-in's address" "$(sed -n 's/^sign-in //p' <<<"$addresses")" 127.0.0.4
check "the chart read's address" "$(sed -n 's/^chart //p' <<<"$addresses")" 127.0.0.4
"$alliance" manage verify_audit >/dev/null || fail "the audit trail does not verify"
echo "ok: the audit trail verifies"
echo "proxy check passed"
