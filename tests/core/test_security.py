"""Login throttling, production settings, security headers, inline scripts, uploads, PDFs."""

import hashlib
import os
import re
import secrets
import subprocess
import sys
from base64 import b64encode
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from opms.core.pdf import LocalURLFetcher, RemoteFetchRefused

ROOT = Path(__file__).resolve().parents[2]


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_locks_after_repeated_failures_with_the_same_answer_for_unknown_users(users):
    users["sales"].set_password("right-password")
    users["sales"].save()
    client = Client()
    limit = django_settings.AXES_FAILURE_LIMIT

    wrong_password = [_login(client, "sales", "wrong") for _ in range(limit)]
    unknown_user = [_login(client, "nobody-here", "wrong") for _ in range(limit)]

    # Until the limit: the same form error whether the account exists or not.
    assert [r.status_code for r in wrong_password[:-1]] == [200] * (limit - 1)
    assert [r.status_code for r in unknown_user[:-1]] == [200] * (limit - 1)
    assert wrong_password[0].content.count(b"alert-danger") == 1
    error = re.search(rb'alert-danger"[^>]*>([^<]+)<', wrong_password[0].content).group(1)
    assert error == re.search(rb'alert-danger"[^>]*>([^<]+)<', unknown_user[0].content).group(1)
    # At the limit both are locked out with the same page, even with the right password next.
    assert wrong_password[-1].status_code == unknown_user[-1].status_code == 429
    locked = _login(client, "sales", "right-password")
    assert locked.status_code == 429
    assert b"locked-out" in locked.content
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not affected.
    users["finance"].set_password("finance-password")
    users["finance"].save()
    assert _login(client, "finance", "finance-password").status_code == 302


def test_manage_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "opms.example.com",
    }
    env.pop("SESSION_COOKIE_SECURE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests, never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_secure_cookies_hsts_and_https():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.X_FRAME_OPTIONS)"
    )
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60)}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split()[-6:] == ["True", "True", "True", "31536000", "True", "DENY"]


def test_pages_carry_csp_with_a_nonce_frame_denial_and_hsts_over_https(users, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    client.force_login(users["sales"])

    response = client.get("/orders/new/", secure=True)

    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "unsafe-eval" not in policy
    assert f'<script nonce="{nonce}">'.encode() in response.content
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"([^\"]*)\"", re.I)


def test_templates_have_no_inline_script_the_policy_would_block():
    """CSP runs inline code only with the nonce (or a listed hash): check every template."""
    allowed = set(django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"])
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if any(part in {".venv", "node_modules", "var"} for part in template.parts):
            continue
        text = template.read_text()
        offenders += [(str(template), tag) for tag in INLINE_SCRIPT.findall(text)]
        for handler in INLINE_HANDLER.findall(text):
            digest = b64encode(hashlib.sha256(handler.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in allowed:
                offenders.append((str(template), handler))
    assert offenders == [], (
        'add nonce="{{ request.csp_nonce }}" to inline scripts, or move handlers to a '
        f"static file: {offenders}"
    )


def test_request_bodies_over_the_upload_limit_are_refused(users):
    client = Client()
    client.force_login(users["sales"])
    too_big = "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post("/accounts/login/", {"username": "sales", "password": too_big})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "http://testserver/static/../../etc/passwd",
    ],
)
def test_pdfs_never_fetch_remote_or_local_files_outside_static(url):
    with pytest.raises(RemoteFetchRefused):
        LocalURLFetcher().fetch(url)


def test_pdfs_read_our_static_files_from_disk():
    response = LocalURLFetcher().fetch("http://testserver/static/vendor/bootstrap.min.css")
    assert response is not None


def test_uploads_are_checked_for_size_kind_and_content(settings):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opms.core.uploads import upload_check

    settings.OPMS_UPLOAD_MAX_BYTES = 1024
    good = SimpleUploadedFile("orders.csv", b"sku,quantity\nA-1,2\n")
    assert upload_check(good, kinds={"csv", "xlsx"}) is good

    refused = {
        "upload_too_large": SimpleUploadedFile("big.csv", b"x" * 1025),
        "upload_kind": SimpleUploadedFile("run.exe", b"MZ"),
        "upload_content": SimpleUploadedFile("fake.xlsx", b"not a zip"),
    }
    for code, upload in refused.items():
        with pytest.raises(ValidationError) as error:
            upload_check(upload, kinds={"csv", "xlsx"})
        assert error.value.code == code
    with pytest.raises(ValidationError):
        upload_check(SimpleUploadedFile("binary.csv", b"a\x00b"), kinds={"csv"})
