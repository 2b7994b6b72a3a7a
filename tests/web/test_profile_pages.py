"""The skill profile page: publish, unpublish, consent and issue credentials without the API."""

from __future__ import annotations

from tests.web.conftest import XSS_NAME
from tests.web.pages import csrf_from, visible_text


def test_the_profile_page_publishes_and_unpublishes(signed_in, live):
    page = signed_in.http.get("/profile")
    assert page.status_code == 200 and "Nothing is public until you publish it." in page.text
    assert XSS_NAME not in page.text  # the display name in the header is escaped
    published = signed_in.post("/profile/publish", {"detail": "areas"}, follow_redirects=True)
    assert "Published (per area)" in visible_text(published.text)
    widget = next(line for line in published.text.split('"') if "/embed/profiles/" in line)
    public_id = widget.rsplit("/", 1)[1]
    with live.client() as anyone:
        assert anyone.get(f"/api/v1/public/profiles/{public_id}").status_code == 200
        signed_in.post("/profile/unpublish", {}, follow_redirects=True)
        assert anyone.get(f"/api/v1/public/profiles/{public_id}").status_code == 404


def test_issuing_without_results_says_why(signed_in):
    response = signed_in.post("/profile/credentials", {"skill": "overall"})
    assert response.status_code == 422 and "no results" in visible_text(response.text)


def test_profile_forms_need_the_csrf_token(signed_in):
    response = signed_in.http.post("/profile/publish", data={"detail": "areas"})
    assert response.status_code == 403
    assert "Nothing is public" in signed_in.http.get("/profile").text
    assert csrf_from(signed_in.http.get("/profile").text)
