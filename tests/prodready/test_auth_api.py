"""Registration, sign-in, sessions, password changes, CSRF and rate limits over real HTTP."""

from __future__ import annotations

from prodready.accounts.principal import SESSION_COOKIE
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import assert_problem, sign_in


def register(client, email="new@example.com", password="a long enough password", name="New Person"):
    return client.post("/api/v1/auth/register", json={"email": email, "password": password, "display_name": name})


class TestRegister:
    def test_registration_signs_in_with_a_secure_cookie(self, client):
        response = register(client)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["user"]["email"] == "new@example.com" and body["token"] and body["csrf_token"]
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "password" not in response.text.lower()

    def test_email_is_case_insensitive_and_duplicates_get_409(self, client):
        assert register(client, email="Dup@Example.com").status_code == 201
        assert_problem(register(client, email="dup@example.COM"), 409, "conflict")

    def test_short_password_gets_422_with_the_rule(self, client):
        body = assert_problem(register(client, password="short"), 422, "validation-error")
        assert "at least 10 characters" in body["detail"]

    def test_registration_is_rate_limited(self, client):
        statuses = [register(client, email=f"r{i}@example.com").status_code for i in range(6)]
        assert statuses[:5] == [201] * 5
        assert statuses[5] == 429
        response = register(client, email="r9@example.com")
        assert_problem(response, 429, "rate-limited")
        assert int(response.headers["retry-after"]) >= 1


class TestLogin:
    def test_wrong_password_and_unknown_email_look_the_same(self, client, db):
        user = make_user(db)
        wrong = client.post("/api/v1/auth/login", json={"email": user.email, "password": "not the password"})
        unknown = client.post("/api/v1/auth/login", json={"email": "ghost@example.com", "password": "whatever12"})
        assert assert_problem(wrong, 401, "not-authenticated")["detail"] == "Email or password is wrong."
        assert assert_problem(unknown, 401, "not-authenticated")["detail"] == "Email or password is wrong."

    def test_login_is_rate_limited_per_account(self, client, db):
        user = make_user(db)
        for _ in range(10):
            client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong-password"})
        response = client.post("/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert_problem(response, 429, "rate-limited")

    def test_me_needs_a_session(self, client):
        assert_problem(client.get("/api/v1/auth/me"), 401, "not-authenticated")

    def test_bearer_and_cookie_both_work(self, client, db):
        user = make_user(db)
        signed = sign_in(client, user.email, DEFAULT_PASSWORD)
        assert client.get("/api/v1/auth/me", headers=signed.headers).json()["user"]["id"] == user.id
        # the client kept the cookie from the login response
        assert client.get("/api/v1/auth/me").json()["user"]["id"] == user.id


class TestSessions:
    def test_logout_revokes_the_session(self, client, db):
        user = make_user(db)
        signed = sign_in(client, user.email, DEFAULT_PASSWORD)
        assert client.post("/api/v1/auth/logout", headers=signed.headers).status_code == 204
        assert_problem(client.get("/api/v1/auth/me", headers=signed.headers), 401, "not-authenticated")

    def test_a_session_can_revoke_another(self, live, db):
        user = make_user(db)
        with live.client() as laptop, live.client() as phone:
            first = sign_in(laptop, user.email, DEFAULT_PASSWORD)
            second = sign_in(phone, user.email, DEFAULT_PASSWORD)
            sessions = laptop.get("/api/v1/auth/sessions", headers=first.headers).json()
            other = next(s for s in sessions if not s["current"])
            assert laptop.delete(f"/api/v1/auth/sessions/{other['id']}", headers=first.headers).status_code == 204
            assert_problem(phone.get("/api/v1/auth/me", headers=second.headers), 401, "not-authenticated")
            assert laptop.get("/api/v1/auth/me", headers=first.headers).status_code == 200

    def test_cannot_revoke_someone_elses_session(self, live, db):
        alice, bob = make_user(db), make_user(db)
        with live.client() as a, live.client() as b:
            alice_in = sign_in(a, alice.email, DEFAULT_PASSWORD)
            bob_in = sign_in(b, bob.email, DEFAULT_PASSWORD)
            bob_session = b.get("/api/v1/auth/sessions", headers=bob_in.headers).json()[0]["id"]
            response = a.delete(f"/api/v1/auth/sessions/{bob_session}", headers=alice_in.headers)
            assert_problem(response, 404, "not-found")
            assert b.get("/api/v1/auth/me", headers=bob_in.headers).status_code == 200

    def test_password_change_signs_out_other_sessions(self, live, db):
        user = make_user(db)
        with live.client() as laptop, live.client() as phone:
            first = sign_in(laptop, user.email, DEFAULT_PASSWORD)
            second = sign_in(phone, user.email, DEFAULT_PASSWORD)
            response = laptop.post(
                "/api/v1/auth/password", headers=first.headers,
                json={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
            )
            assert response.json() == {"revoked_sessions": 1}
            assert_problem(phone.get("/api/v1/auth/me", headers=second.headers), 401, "not-authenticated")
            assert laptop.get("/api/v1/auth/me", headers=first.headers).status_code == 200
            sign_in(phone, user.email, "a brand new passphrase")

    def test_password_change_needs_the_current_password(self, client, db):
        user = make_user(db)
        signed = sign_in(client, user.email, DEFAULT_PASSWORD)
        response = client.post(
            "/api/v1/auth/password", headers=signed.headers,
            json={"current_password": "wrong one!!", "new_password": "a brand new passphrase"},
        )
        assert_problem(response, 401, "not-authenticated")


class TestCsrf:
    def test_cookie_authenticated_change_without_token_is_refused(self, client, db):
        user = make_user(db)
        sign_in(client, user.email, DEFAULT_PASSWORD)  # cookie now set on the client
        response = client.post("/api/v1/orgs", json={"name": "Evil", "slug": "evil-org"})
        assert_problem(response, 403, "csrf-failed")
        assert client.get("/api/v1/orgs").json() == []

    def test_cookie_authenticated_change_with_a_wrong_token_is_refused(self, client, db):
        user = make_user(db)
        sign_in(client, user.email, DEFAULT_PASSWORD)
        response = client.post(
            "/api/v1/orgs", json={"name": "Evil", "slug": "evil-org"}, headers={"X-CSRF-Token": "guess"}
        )
        assert_problem(response, 403, "csrf-failed")

    def test_cookie_authenticated_change_with_the_token_works(self, client, db):
        user = make_user(db)
        signed = sign_in(client, user.email, DEFAULT_PASSWORD)
        response = client.post(
            "/api/v1/orgs", json={"name": "Good", "slug": "good-org"}, headers={"X-CSRF-Token": signed.csrf_token}
        )
        assert response.status_code == 201, response.text
