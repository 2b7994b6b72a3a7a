"""Assertions and request helpers shared by the tests."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

PROBLEM_MEDIA_TYPE = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, type_slug: str) -> dict:
    """The response is an RFC 9457 problem document of this status and type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE), response.headers["content-type"]
    body = response.json()
    assert body["type"] == f"/problems/{type_slug}", body
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


@dataclass
class SignedIn:
    token: str
    csrf_token: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def sign_in(client: httpx.Client, email: str, password: str) -> SignedIn:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    return SignedIn(token=body["token"], csrf_token=body["csrf_token"], user_id=body["user"]["id"])
