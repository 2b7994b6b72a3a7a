"""Publishing, the public API (CORS, ETag/304, no cookies, rate limits), the widget (CSP
frame-ancestors from registered origins, escaping, themes), the loader script and oEmbed."""

from __future__ import annotations

import html
import json

import pytest

from prodready.accounts.models import Role
from tests.credentials.conftest import HOSTILE_NAME, person, publish
from tests.helpers import assert_problem

RAW_MARKERS = ("<script>alert", "<img src=x", "onerror=alert(2)>")


def assert_no_raw_markup(text: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in text, marker


class TestPublishing:
    def test_nothing_is_public_until_published(self, client, candidate):
        own = client.get("/api/v1/profile", headers=candidate.headers).json()
        assert own["publication"]["public_id"] is None
        public_id = publish(client, candidate)
        client.delete("/api/v1/profile/publication", headers=candidate.headers)
        assert_problem(client.get(f"/api/v1/public/profiles/{public_id}"), 404, "not-found")
        assert client.get(f"/embed/profiles/{public_id}").status_code == 404

    def test_overall_only_or_per_area(self, client, candidate):
        public_id = publish(client, candidate)
        body = client.get(f"/api/v1/public/profiles/{public_id}").json()
        assert body["areas"] is None and body["overall"]["score"] == 78.0 and body["display_name"] == HOSTILE_NAME
        assert "user_id" not in json.dumps(body) and candidate.user.email not in json.dumps(body)
        publish(client, candidate, detail="areas")
        body = client.get(f"/api/v1/public/profiles/{public_id}").json()
        assert body["areas"] and all(a["evidence"] > 0 for a in body["areas"])

    def test_unpublishing_removes_access_at_once(self, client, candidate):
        public_id = publish(client, candidate)
        first = client.get(f"/api/v1/public/profiles/{public_id}")
        assert first.status_code == 200
        assert client.get(f"/embed/profiles/{public_id}").status_code == 200
        client.delete("/api/v1/profile/publication", headers=candidate.headers)
        again = client.get(f"/api/v1/public/profiles/{public_id}", headers={"If-None-Match": first.headers["etag"]})
        assert_problem(again, 404, "not-found")
        assert client.get(f"/embed/profiles/{public_id}").status_code == 404
        assert client.get(f"/api/v1/public/profiles/{public_id}/credentials").status_code == 404
        assert client.get("/oembed", params={"url": f"{client.base_url}/embed/profiles/{public_id}"}).status_code == 404

    def test_a_closed_account_disappears(self, client, db, candidate):
        from prodready.accounts.models import User

        public_id = publish(client, candidate)
        with db.unit_of_work() as session:
            user = session.get(User, candidate.user.id)
            user.is_active = False
            session.add(user)
        assert client.get(f"/api/v1/public/profiles/{public_id}").status_code == 404

    def test_publishing_is_csrf_protected_for_cookie_sessions(self, client, candidate):
        client.cookies.set("prodready_session", candidate.auth.token)
        response = client.put("/api/v1/profile/publication", json={"detail": "overall"})
        assert_problem(response, 403, "csrf-failed")
        ok = client.put("/api/v1/profile/publication", json={"detail": "overall"},
                        headers={"X-CSRF-Token": candidate.auth.csrf_token})
        assert ok.status_code == 200
        client.cookies.clear()

    def test_only_own_organisations_may_embed(self, client, db, candidate, org_with_admin):
        org, _admin = org_with_admin
        response = client.put("/api/v1/profile/publication", headers=candidate.headers,
                              json={"detail": "overall", "embed_org_ids": [org.id]})
        assert_problem(response, 404, "not-found")


class TestPublicApi:
    def test_cors_cache_headers_and_no_cookies(self, client, candidate):
        public_id = publish(client, candidate)
        client.cookies.set("prodready_session", candidate.auth.token)
        response = client.get(f"/api/v1/public/profiles/{public_id}", headers={"Origin": "https://jobs.example"})
        client.cookies.clear()
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["cache-control"] == "public, max-age=60"
        assert "set-cookie" not in response.headers
        assert response.headers["etag"]

    def test_etag_gives_304(self, client, candidate):
        public_id = publish(client, candidate)
        first = client.get(f"/api/v1/public/profiles/{public_id}")
        second = client.get(f"/api/v1/public/profiles/{public_id}", headers={"If-None-Match": first.headers["etag"]})
        assert second.status_code == 304 and second.content == b""
        assert second.headers["etag"] == first.headers["etag"]

    def test_preflight_allows_conditional_requests(self, client, candidate):
        public_id = publish(client, candidate)
        response = client.options(f"/api/v1/public/profiles/{public_id}", headers={
            "Origin": "https://jobs.example", "Access-Control-Request-Method": "GET"})
        assert response.status_code == 204 and response.headers["access-control-allow-origin"] == "*"

    def test_published_credentials_are_listed_without_revoked_ones(self, client, candidate):
        from tests.credentials.conftest import issue

        public_id = publish(client, candidate)
        kept, revoked = issue(client, candidate), issue(client, candidate)
        client.post(f"/api/v1/credentials/{revoked['id']}/revoke", headers=candidate.headers)
        items = client.get(f"/api/v1/public/profiles/{public_id}/credentials").json()["items"]
        assert [i["id"] for i in items] == [kept["id"]]

    def test_rate_limited_per_client(self, client, candidate, settings_with):
        public_id = publish(client, candidate)
        settings_with(public_rate_limit="3/minute")
        codes = [client.get(f"/api/v1/public/profiles/{public_id}").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]

    @pytest.mark.parametrize("bad", ["short", "has%20space", "x" * 40])
    def test_malformed_ids_are_refused(self, client, bad):
        assert client.get(f"/api/v1/public/profiles/{bad}").status_code in (404, 422)


class TestWidget:
    def test_frame_ancestors_none_without_chosen_organisations(self, client, candidate):
        public_id = publish(client, candidate)
        response = client.get(f"/embed/profiles/{public_id}")
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert "x-frame-options" not in response.headers

    def test_frame_ancestors_from_the_chosen_organisations_origins(self, client, db, candidate, org_with_admin,
                                                                     member_of):
        org, admin = org_with_admin
        other_org_admin = person(client, db)
        from tests.factories import make_org

        other = make_org(db, owner=other_org_admin.user, name="Other")
        member_of(org, candidate)
        member_of(other, candidate)
        for origin in ("https://careers.example.com", "https://jobs.example.org:8443"):
            added = client.post(f"/api/v1/orgs/{org.slug}/embed-origins", headers=admin.headers,
                                json={"origin": origin})
            assert added.status_code == 201, added.text
        client.post(f"/api/v1/orgs/{other.slug}/embed-origins", headers=other_org_admin.headers,
                    json={"origin": "https://not-chosen.example"})
        public_id = publish(client, candidate, embed_org_ids=[org.id])
        csp = client.get(f"/embed/profiles/{public_id}").headers["content-security-policy"]
        assert "frame-ancestors https://careers.example.com https://jobs.example.org:8443" in csp
        assert "not-chosen" not in csp

    def test_every_field_is_escaped(self, client, candidate):
        public_id = publish(client, candidate, detail="areas")
        page = client.get(f"/embed/profiles/{public_id}").text
        assert_no_raw_markup(page)
        assert html.escape(HOSTILE_NAME, quote=True) in page or "&lt;script&gt;" in page
        embed = client.get("/oembed", params={"url": f"{client.base_url}/embed/profiles/{public_id}"}).json()
        assert_no_raw_markup(embed["html"])

    def test_small_accessible_themable_page_that_reports_its_height(self, client, candidate):
        public_id = publish(client, candidate, detail="areas")
        response = client.get(f"/embed/profiles/{public_id}", params={"theme": "dark", "layout": "full"})
        page = response.text
        assert response.headers["content-type"].startswith("text/html")
        assert len(response.content) < 6 * 1024
        assert '<html lang="en">' in page and "<title>" in page and 'class="t-dark l-full"' in page
        assert "postMessage" in page and "<meter" in page and "aria-label=" in page
        assert "<link" not in page and "<img" not in page and "<script src" not in page  # no external assets
        compact = client.get(f"/embed/profiles/{public_id}", params={"layout": "compact"}).text
        assert "<meter" not in compact
        assert client.get(f"/embed/profiles/{public_id}", params={"theme": "neon"}).status_code == 422

    def test_widget_etag_gives_304_and_short_cache(self, client, candidate):
        public_id = publish(client, candidate)
        first = client.get(f"/embed/profiles/{public_id}")
        assert first.headers["cache-control"] == "public, max-age=60"
        again = client.get(f"/embed/profiles/{public_id}", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304

    def test_loader_defines_the_badge_and_checks_the_message_origin(self, client):
        response = client.get("/embed/badge.js")
        assert response.headers["content-type"].startswith("text/javascript")
        script = response.text
        assert 'customElements.define("prodready-badge"' in script
        assert "event.origin !== base" in script and "event.source !== frame.contentWindow" in script


class TestOembed:
    def test_rich_embed_for_a_profile_url(self, client, candidate):
        public_id = publish(client, candidate)
        body = client.get("/oembed", params={"url": f"{client.base_url}/embed/profiles/{public_id}",
                                             "format": "json", "maxwidth": 400}).json()
        assert body["type"] == "rich" and body["version"] == "1.0" and body["width"] == 400
        assert f'/embed/profiles/{public_id}?layout=full"' in body["html"] and body["html"].startswith("<iframe")

    def test_foreign_urls_and_xml(self, client, candidate):
        public_id = publish(client, candidate)
        assert client.get("/oembed", params={"url": f"https://evil.example/embed/profiles/{public_id}"}
                          ).status_code == 404
        assert client.get("/oembed", params={"url": f"{client.base_url}/embed/profiles/{public_id}",
                                             "format": "xml"}).status_code == 501


class TestEmbedOrigins:
    @pytest.mark.parametrize("bad", [
        "https://a.example/path", "javascript:alert(1)", "https://a.example; script-src *", "https://*.example",
        "http://plain.example", "https://user@a.example", "ftp://a.example", "https://a.example:99999",
        "https://'self'",
    ])
    def test_only_scheme_host_port_is_accepted(self, client, org_with_admin, bad):
        org, admin = org_with_admin
        response = client.post(f"/api/v1/orgs/{org.slug}/embed-origins", headers=admin.headers, json={"origin": bad})
        assert_problem(response, 422, "validation-error")

    def test_admin_only_and_outsiders_get_404(self, client, db, org_with_admin, member_of):
        org, admin = org_with_admin
        interviewer, outsider = person(client, db), person(client, db)
        member_of(org, interviewer, Role.INTERVIEWER)
        path = f"/api/v1/orgs/{org.slug}/embed-origins"
        assert_problem(client.post(path, headers=interviewer.headers, json={"origin": "https://a.example"}), 403,
                       "forbidden")
        assert_problem(client.get(path, headers=outsider.headers), 404, "not-found")
        added = client.post(path, headers=admin.headers, json={"origin": "HTTPS://A.Example:443"}).json()
        assert added["origin"] == "https://a.example"
        assert_problem(client.post(path, headers=admin.headers, json={"origin": "https://a.example"}), 409, "conflict")
        assert [o["origin"] for o in client.get(path, headers=admin.headers).json()] == ["https://a.example"]
        assert client.delete(f"{path}/{added['id']}", headers=admin.headers).status_code == 204
        assert client.get(path, headers=admin.headers).json() == []
