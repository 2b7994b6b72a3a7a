"""Sign up, sign in, sign out, change password and the organisation switcher, through the forms."""

from __future__ import annotations

from prodready.accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, add_member, make_org, make_user
from tests.web.conftest import form_token
from tests.web.pages import csrf_from, page_sign_in


class TestSignUp:
    def test_sign_up_starts_a_session_and_lands_on_next(self, client) -> None:
        token = form_token(client, "/signup")
        response = client.post("/signup", data={
            "email": "new.person@example.com", "display_name": "New Person", "password": "a long enough phrase",
            "csrf_token": token, "next": "/progress",
        })
        assert response.status_code == 303 and response.headers["location"] == "/progress"
        assert "New Person" in client.get("/account").text

    def test_weak_password_re_renders_the_form_keeping_the_input(self, client) -> None:
        token = form_token(client, "/signup")
        response = client.post("/signup", data={
            "email": "weak@example.com", "display_name": "Weak", "password": "short", "csrf_token": token,
        })
        assert response.status_code == 422
        assert 'role="alert"' in response.text and 'value="weak@example.com"' in response.text

    def test_sign_up_without_the_pre_session_token_is_refused(self, client) -> None:
        response = client.post("/signup", data={
            "email": "csrf@example.com", "display_name": "X", "password": "a long enough phrase",
        })
        assert response.status_code == 403 and "CSRF" not in response.headers.get("location", "")
        assert client.get("/account").status_code == 303  # not signed in

    def test_external_next_is_ignored(self, client) -> None:
        token = form_token(client, "/signup")
        response = client.post("/signup", data={
            "email": "next@example.com", "display_name": "N", "password": "a long enough phrase",
            "csrf_token": token, "next": "//evil.example/",
        })
        assert response.headers["location"] == "/bank"


class TestSignIn:
    def test_login_csrf_token_from_another_browser_is_refused(self, live, db) -> None:
        """Login CSRF: an attacker's own valid token does not work without the matching cookie."""
        user = make_user(db)
        with live.client() as attacker, live.client() as victim:
            stolen = form_token(attacker, "/signin")
            victim.get("/signin")  # the victim has their own pre-session cookie
            response = victim.post("/signin", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                                    "csrf_token": stolen})
            assert response.status_code == 403
            assert "prodready_session" not in victim.cookies

    def test_forged_token_is_refused(self, client, db) -> None:
        user = make_user(db)
        client.get("/signin")
        response = client.post("/signin", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                                "csrf_token": client.cookies["prodready_form_csrf"]})
        assert response.status_code == 403

    def test_wrong_password_shows_the_form_again(self, client, db) -> None:
        user = make_user(db)
        token = form_token(client, "/signin")
        response = client.post("/signin", data={"email": user.email, "password": "wrong password!",
                                                "csrf_token": token})
        assert response.status_code == 401 and "Email or password is wrong." in response.text

    def test_sign_in_is_rate_limited_like_the_api(self, live, client, db) -> None:
        user = make_user(db)
        token = form_token(client, "/signin")
        statuses = [
            client.post("/signin", data={"email": user.email, "password": "wrong password!", "csrf_token": token})
            .status_code for _ in range(12)
        ]
        assert statuses[-1] == 429 and 401 in statuses
        assert "Too many" in client.post("/signin", data={"email": user.email, "password": "x",
                                                          "csrf_token": token}).text


class TestSignedIn:
    def test_sign_out_needs_the_session_token_then_ends_the_session(self, signed_in) -> None:
        assert signed_in.http.post("/signout").status_code == 403
        assert signed_in.http.post("/signout", data={"csrf_token": "forged"}).status_code == 403
        assert signed_in.post("/signout", {}).status_code == 303
        assert signed_in.http.get("/account").status_code == 303

    def test_change_password_keeps_this_session(self, signed_in) -> None:
        response = signed_in.post("/account/password", {
            "current_password": DEFAULT_PASSWORD, "new_password": "another long phrase"})
        assert response.status_code == 303 and response.headers["location"] == "/account?changed=1"
        assert "Your password was changed" in signed_in.http.get("/account?changed=1").text

    def test_wrong_current_password_is_a_form_error(self, signed_in) -> None:
        response = signed_in.post("/account/password", {"current_password": "nope nope nope",
                                                        "new_password": "another long phrase"})
        assert response.status_code == 422 and "The current password is wrong." in response.text
        assert signed_in.http.get("/account").status_code == 200

    def test_change_password_without_csrf_is_refused(self, signed_in) -> None:
        response = signed_in.http.post("/account/password", data={
            "current_password": DEFAULT_PASSWORD, "new_password": "another long phrase"})
        assert response.status_code == 403


class TestOrganisationContext:
    def test_switcher_lists_my_organisations_and_remembers_the_choice(self, live, db) -> None:
        owner, member = make_user(db), make_user(db)
        org = make_org(db, owner=owner, name="Acme <b>Analytics</b>")
        add_member(db, org, member, Role.CANDIDATE)
        with live.client() as http:
            csrf = page_sign_in(http, member.email)
            page = http.get("/bank").text
            assert "Acme &lt;b&gt;Analytics&lt;/b&gt; (candidate)" in page
            response = http.post("/account/context", data={"org": org.slug, "next": "/bank", "csrf_token": csrf})
            assert response.status_code == 303
            assert f'<option value="{org.slug}" selected>' in http.get("/bank").text

    def test_an_organisation_i_am_not_in_is_refused(self, live, db, signed_in) -> None:
        stranger_org = make_org(db, owner=make_user(db))
        response = signed_in.post("/account/context", {"org": stranger_org.slug, "next": "/bank"})
        assert response.status_code == 422
        assert "prodready_org" not in signed_in.http.cookies

    def test_display_name_is_escaped_in_the_header(self, signed_in) -> None:
        html = signed_in.http.get("/bank").text
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert csrf_from(html) == signed_in.csrf
