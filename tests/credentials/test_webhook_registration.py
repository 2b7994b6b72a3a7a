"""Registering a webhook checks its target at once, with the sender's own resolver and address rules:
loopback, private, link-local (metadata), odd numeric forms and names that do not resolve are refused
with a clear reason, through the JSON API (a 422 problem) and the admin page (a form error), the page
also under production settings, over https as their Secure cookies need."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest

from credentials import webhooks
from prodready.errors import InvalidInput
from prodready.settings import Environment
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import assert_problem
from tests.web.pages import csrf_from, page_sign_in, visible_text

PUBLIC = "93.184.215.14"  # a literal global address: accepted without any DNS lookup, and never dialled here
UNRESOLVABLE = "hooks.prodready.invalid"  # .invalid is reserved (RFC 2606): it never resolves

# (URL, the words that must appear in the reason given)
REFUSED = [
    ("http://127.0.0.1/", "127.0.0.1, a loopback address"),
    # whichever of its addresses the machine's resolver lists first
    ("http://localhost/", re.compile(r"'localhost' resolves to (127\.0\.0\.1|::1), a loopback address")),
    ("http://169.254.169.254/", "a link-local address (this includes cloud metadata at 169.254.169.254)"),
    ("http://[::1]/", "::1, a loopback address"),
    ("http://10.0.0.1/", "10.0.0.1, a private or reserved address"),
    ("http://2130706433/", "'2130706433' is a numeric host in a non-standard form"),
    (f"http://{UNRESOLVABLE}/", f"cannot resolve '{UNRESOLVABLE}'"),
    ("https://127.0.0.1:8443/hooks", "127.0.0.1, a loopback address"),
    ("https://[fd12:3456::1]/hooks", "fd12:3456::1, a private or reserved address"),
    ("https://[::ffff:169.254.169.254]/", "an IPv4-mapped IPv6 address"),
    (f"https://{UNRESOLVABLE}/hooks", f"cannot resolve '{UNRESOLVABLE}'"),
]
ALL_EVENTS = list(webhooks.EVENT_TYPES)


def register(client: httpx.Client, org, admin, url: str) -> httpx.Response:
    return client.post(f"/api/v1/orgs/{org.slug}/webhooks", headers=admin.headers,
                       json={"url": url, "event_types": ["credential.issued"]})


def listed(client: httpx.Client, org, admin) -> list[str]:
    response = client.get(f"/api/v1/orgs/{org.slug}/webhooks", headers=admin.headers)
    assert response.status_code == 200, response.text
    return [endpoint["url"] for endpoint in response.json()]


def assert_refused(response: httpx.Response, reason: str | re.Pattern[str]) -> str:
    detail = assert_problem(response, 422, "validation-error")["detail"]
    assert detail.startswith("Webhook URL refused: "), detail
    assert (reason.search(detail) if isinstance(reason, re.Pattern) else reason in detail), detail
    assert "only to hosts that resolve to public internet addresses" in detail, detail
    return detail


class TestApi:
    @pytest.mark.parametrize(("url", "reason"), REFUSED)
    def test_non_public_or_unresolvable_targets_are_refused_with_the_reason(self, client, org_with_admin, url,
                                                                             reason):
        org, admin = org_with_admin
        assert_refused(register(client, org, admin, url), reason)
        assert listed(client, org, admin) == []

    @pytest.mark.parametrize(("url", "reason"), REFUSED)
    def test_production_refuses_them_too(self, client, org_with_admin, settings_with, url, reason):
        org, admin = org_with_admin
        settings_with(environment=Environment.PRODUCTION)
        assert_refused(register(client, org, admin, url), reason)
        assert listed(client, org, admin) == []

    def test_a_public_https_target_is_accepted(self, client, org_with_admin, settings_with):
        org, admin = org_with_admin
        settings_with(environment=Environment.PRODUCTION)
        response = register(client, org, admin, f"https://{PUBLIC}/hooks/prodready")
        assert response.status_code == 201, response.text
        assert response.json()["secret"].startswith("whsec_")
        assert listed(client, org, admin) == [f"https://{PUBLIC}/hooks/prodready"]

    def test_a_public_target_must_still_use_https(self, client, org_with_admin, settings_with):
        org, admin = org_with_admin
        settings_with(environment=Environment.PRODUCTION)
        body = assert_problem(register(client, org, admin, f"http://{PUBLIC}/hooks"), 422, "validation-error")
        assert body["detail"] == "Webhook URLs must use https."
        assert listed(client, org, admin) == []

    def test_credentials_in_the_url_are_refused(self, client, org_with_admin):
        org, admin = org_with_admin
        body = assert_problem(register(client, org, admin, f"https://user:secret@{PUBLIC}/hooks"), 422,
                              "validation-error")
        assert "without credentials" in body["detail"]

    @pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/hooks", "http://localhost:{port}/hooks",
                                     "http://[::1]:{port}/hooks"])
    def test_the_local_allowance_accepts_loopback(self, client, org_with_admin, settings_with, live, url):
        org, admin = org_with_admin
        settings_with(webhook_allow_private=True)
        target = url.format(port=httpx.URL(live.base_url).port)
        response = register(client, org, admin, target)
        assert response.status_code == 201, response.text
        assert listed(client, org, admin) == [target]

    @pytest.mark.parametrize(("url", "reason"), [
        ("http://10.0.0.1/", "a private or reserved address"),
        ("http://169.254.169.254/latest/meta-data", "a link-local address"),
        ("http://2130706433/", "non-standard form"),
        (f"http://{UNRESOLVABLE}/", "cannot resolve"),
    ])
    def test_the_local_allowance_opens_loopback_only(self, client, org_with_admin, settings_with, url, reason):
        org, admin = org_with_admin
        settings_with(webhook_allow_private=True)
        assert_refused(register(client, org, admin, url), reason)


@pytest.fixture
def admin_page(live, org_with_admin):
    """The organisation's admin, signed in through the form in a browser-like client (cookies kept)."""
    org, admin = org_with_admin
    with live.client() as http:
        yield org, admin, http, page_sign_in(http, admin.user.email, DEFAULT_PASSWORD)


def _submit(http: httpx.Client, token: str, org, url: str, events: list[str] | None = None) -> httpx.Response:
    return http.post(f"/orgs/{org.slug}/admin/webhooks",
                     data={"csrf_token": token, "url": url, "event_types": events or ALL_EVENTS})


def _assert_form_refused(http: httpx.Client, token: str, org, url: str,
                         reason: str | re.Pattern[str]) -> httpx.Response:
    response = _submit(http, token, org, url, ["credential.issued"])
    assert response.status_code == 422, response.text
    text = visible_text(response.text)
    assert "There is a problem" in text and "Webhook URL refused:" in text, text
    assert (reason.search(text) if isinstance(reason, re.Pattern) else reason in text), text
    return response


class TestAdminPage:
    @pytest.mark.parametrize(("url", "reason"), REFUSED)
    def test_refused_targets_show_a_form_error_and_keep_what_was_typed(self, admin_page, url, reason):
        org, _admin, http, token = admin_page
        response = _assert_form_refused(http, token, org, url, reason)
        assert 'role="alert"' in response.text
        typed = re.search(r'<input id="webhook-url"[^>]*value="([^"]*)"', response.text).group(1)
        assert typed == url
        assert 'value="credential.issued" checked' in response.text
        assert 'value="credential.revoked" checked' not in response.text
        assert "No webhook endpoints yet." in visible_text(http.get(f"/orgs/{org.slug}/admin").text)

    def test_a_public_target_is_added_and_its_secret_shown_once(self, admin_page, client):
        org, admin, http, token = admin_page
        page = http.get(f"/orgs/{org.slug}/admin").text
        assert "Webhooks" in page and "No webhook endpoints yet." in visible_text(page)
        created = _submit(http, token, org, f"https://{PUBLIC}/hooks/prodready")
        assert created.status_code == 200, created.text
        assert created.headers["cache-control"] == "no-store"
        secret = re.search(r'value="(whsec_[^"]+)"', created.text).group(1)
        again = http.get(f"/orgs/{org.slug}/admin").text
        assert secret not in again and f"https://{PUBLIC}/hooks/prodready" in again
        [endpoint] = client.get(f"/api/v1/orgs/{org.slug}/webhooks", headers=admin.headers).json()
        assert endpoint["event_types"] == sorted(ALL_EVENTS)
        removed = http.post(f"/orgs/{org.slug}/admin/webhooks/{endpoint['id']}/remove", data={"csrf_token": token})
        assert removed.status_code == 303
        assert "No webhook endpoints yet." in visible_text(http.get(f"/orgs/{org.slug}/admin").text)

    def test_http_and_loopback_need_the_local_allowance(self, admin_page, settings_with, live):
        org, _admin, http, token = admin_page
        refused = _submit(http, token, org, f"http://{PUBLIC}/hooks")
        assert refused.status_code == 422 and "Webhook URLs must use https." in visible_text(refused.text)
        loopback = f"http://127.0.0.1:{httpx.URL(live.base_url).port}/hooks"
        assert "a loopback address" in visible_text(_submit(http, token, org, loopback).text)
        settings_with(webhook_allow_private=True)
        accepted = _submit(http, token, org, loopback)
        assert accepted.status_code == 200, accepted.text
        assert "whsec_" in accepted.text and loopback in accepted.text

    def test_no_events_chosen_is_a_form_error(self, admin_page):
        org, _admin, http, token = admin_page
        response = http.post(f"/orgs/{org.slug}/admin/webhooks",
                             data={"csrf_token": token, "url": f"https://{PUBLIC}/hooks"})
        assert response.status_code == 422 and "Choose events from:" in visible_text(response.text)


@pytest.fixture
def production_admin_page(live_https, org_with_admin, settings_with):
    """The admin signed in through the form under production settings, whose cookies are Secure: over
    https, as a browser in production sends them."""
    org, admin = org_with_admin
    settings_with(environment=Environment.PRODUCTION)
    with live_https.client() as http:
        signin = http.get("/signin")
        assert "secure" in signin.headers["set-cookie"].lower(), signin.headers["set-cookie"]
        yield org, admin, http, page_sign_in(http, admin.user.email, DEFAULT_PASSWORD)


class TestAdminPageInProduction:
    @pytest.mark.parametrize(("url", "reason"), REFUSED)
    def test_refused_targets_show_a_form_error(self, production_admin_page, url, reason):
        org, _admin, http, token = production_admin_page
        _assert_form_refused(http, token, org, url, reason)
        assert "No webhook endpoints yet." in visible_text(http.get(f"/orgs/{org.slug}/admin").text)

    def test_a_public_https_target_is_added_and_a_plain_http_one_refused(self, production_admin_page, client):
        org, admin, http, token = production_admin_page
        refused = _submit(http, token, org, f"http://{PUBLIC}/hooks")
        assert refused.status_code == 422 and "Webhook URLs must use https." in visible_text(refused.text)
        created = _submit(http, token, org, f"https://{PUBLIC}/hooks/prodready")
        assert created.status_code == 200, created.text
        assert re.search(r'value="whsec_[^"]+"', created.text)
        assert [e["url"] for e in client.get(f"/api/v1/orgs/{org.slug}/webhooks", headers=admin.headers).json()] \
            == [f"https://{PUBLIC}/hooks/prodready"]

    def test_the_local_allowance_does_not_open_loopback_in_production(self, production_admin_page, settings_with,
                                                                      live_https):
        org, _admin, http, token = production_admin_page
        settings_with(environment=Environment.PRODUCTION, webhook_allow_private=True)
        loopback = f"http://127.0.0.1:{httpx.URL(live_https.base_url).port}/hooks"
        response = _submit(http, token, org, loopback)
        assert response.status_code == 422, response.text
        assert "only in the local environment" in visible_text(response.text)

    def test_over_plain_http_the_secure_cookies_are_not_sent_and_the_form_is_refused(self, live, org_with_admin,
                                                                                     settings_with):
        """Why these tests run over https: a client keeps Secure cookies off plain http."""
        org, admin = org_with_admin
        settings_with(environment=Environment.PRODUCTION)
        with live.client() as http:
            token = csrf_from(http.get("/signin").text)
            response = http.post("/signin", data={"email": admin.user.email, "password": DEFAULT_PASSWORD,
                                                  "csrf_token": token})
            assert response.status_code == 403, response.text
            assert "This form has expired or was not sent from this site." in visible_text(response.text)


class TestSameRulesAsTheSender:
    """The registration check is the sender's `pin_target`, resolver included: names are judged by every answer."""

    @staticmethod
    def resolver(*answers: str):
        async def resolve(host: str, port: int) -> list[str]:
            return list(answers)

        return resolve

    def test_a_name_with_one_private_answer_among_public_ones_is_refused(self):
        with pytest.raises(InvalidInput, match=r"'hooks\.example\.com' resolves to 10\.0\.0\.7, a private"):
            webhooks.validate_url("https://hooks.example.com/x", allow_private=False,
                                  resolver=self.resolver(PUBLIC, "10.0.0.7"))

    def test_a_name_pointing_at_metadata_is_refused(self):
        with pytest.raises(InvalidInput, match="cloud metadata"):
            webhooks.validate_url("https://metadata.example.com/", allow_private=False,
                                  resolver=self.resolver("169.254.169.254"))

    def test_a_name_with_only_public_answers_is_accepted(self):
        url = webhooks.validate_url(" https://hooks.example.com/x ", allow_private=False,
                                    resolver=self.resolver(PUBLIC, "2606:4700:4700::1111"))
        assert url == "https://hooks.example.com/x"

    def test_a_name_that_takes_too_long_to_resolve_is_refused_with_the_reason(self, monkeypatch):
        monkeypatch.setattr(webhooks, "REGISTRATION_LOOKUP_SECONDS", 0.2)

        async def slow(host: str, port: int) -> list[str]:  # a stuck getaddrinfo, in a thread as the real one is
            await asyncio.get_running_loop().run_in_executor(None, time.sleep, 3)
            return [PUBLIC]

        started = time.monotonic()
        with pytest.raises(InvalidInput, match="looking up its host took longer than 0.2 seconds"):
            webhooks.validate_url("https://slow.example.com/", allow_private=False, resolver=slow)
        assert time.monotonic() - started < 2  # the answer does not wait for the stuck thread

    def test_the_allowance_cannot_be_used_outside_the_local_environment(self):
        with pytest.raises(InvalidInput, match="only in the local environment"):
            webhooks.validate_url("http://127.0.0.1/", allow_private=True, environment="production",
                                  resolver=self.resolver("127.0.0.1"))
