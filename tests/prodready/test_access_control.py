"""Roles and organisations: who can see and change what."""

from __future__ import annotations

import pytest

from prodready.accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, add_member, make_org, make_user
from tests.helpers import assert_problem, sign_in


@pytest.fixture
def two_orgs(db):
    """Org A with an admin, an interviewer and two candidates; org B with its own admin and interviewer."""
    people = {name: make_user(db, display_name=name) for name in (
        "admin_a", "interviewer_a", "cand_1", "cand_2", "admin_b", "interviewer_b")}
    org_a = make_org(db, owner=people["admin_a"], name="Org A")
    org_b = make_org(db, owner=people["admin_b"], name="Org B")
    add_member(db, org_a, people["interviewer_a"], Role.INTERVIEWER)
    add_member(db, org_a, people["cand_1"], Role.CANDIDATE)
    add_member(db, org_a, people["cand_2"], Role.CANDIDATE)
    add_member(db, org_b, people["interviewer_b"], Role.INTERVIEWER)
    return people, org_a, org_b


def headers_for(client, user):
    return sign_in(client, user.email, DEFAULT_PASSWORD).headers


class TestBetweenOrganisations:
    def test_interviewer_of_a_cannot_see_org_b_at_all(self, client, two_orgs):
        people, _org_a, org_b = two_orgs
        headers = headers_for(client, people["interviewer_a"])
        assert_problem(client.get(f"/api/v1/orgs/{org_b.id}", headers=headers), 404, "not-found")
        assert_problem(client.get(f"/api/v1/orgs/{org_b.slug}/members", headers=headers), 404, "not-found")
        assert_problem(
            client.get(f"/api/v1/orgs/{org_b.id}/members/{people['admin_b'].id}", headers=headers), 404, "not-found"
        )

    def test_admin_of_a_cannot_add_members_to_org_b(self, client, two_orgs):
        people, _org_a, org_b = two_orgs
        response = client.post(
            f"/api/v1/orgs/{org_b.id}/members", headers=headers_for(client, people["admin_a"]),
            json={"email": people["cand_1"].email, "role": "admin"},
        )
        assert_problem(response, 404, "not-found")

    def test_org_list_shows_only_my_organisations(self, client, two_orgs):
        people, org_a, _org_b = two_orgs
        orgs = client.get("/api/v1/orgs", headers=headers_for(client, people["cand_1"])).json()
        assert [(o["id"], o["role"]) for o in orgs] == [(org_a.id, "candidate")]


class TestWithinAnOrganisation:
    def test_candidate_cannot_read_another_candidates_membership(self, client, two_orgs):
        people, org_a, _ = two_orgs
        headers = headers_for(client, people["cand_1"])
        assert client.get(f"/api/v1/orgs/{org_a.id}/members/{people['cand_1'].id}", headers=headers).status_code == 200
        response = client.get(f"/api/v1/orgs/{org_a.id}/members/{people['cand_2'].id}", headers=headers)
        assert_problem(response, 403, "forbidden")

    def test_candidate_cannot_list_members(self, client, two_orgs):
        people, org_a, _ = two_orgs
        response = client.get(f"/api/v1/orgs/{org_a.id}/members", headers=headers_for(client, people["cand_1"]))
        assert_problem(response, 403, "forbidden")

    def test_interviewer_lists_members_but_cannot_change_roles(self, client, two_orgs):
        people, org_a, _ = two_orgs
        headers = headers_for(client, people["interviewer_a"])
        members = client.get(f"/api/v1/orgs/{org_a.id}/members", headers=headers).json()
        assert len(members) == 4
        response = client.patch(
            f"/api/v1/orgs/{org_a.id}/members/{people['cand_1'].id}", headers=headers, json={"role": "admin"}
        )
        assert_problem(response, 403, "forbidden")

    def test_admin_manages_members_but_keeps_one_admin(self, client, two_orgs):
        people, org_a, _ = two_orgs
        headers = headers_for(client, people["admin_a"])
        base = f"/api/v1/orgs/{org_a.id}/members"
        promoted = client.patch(f"{base}/{people['cand_1'].id}", headers=headers, json={"role": "interviewer"})
        assert promoted.json()["role"] == "interviewer"
        assert_problem(client.delete(f"{base}/{people['admin_a'].id}", headers=headers), 409, "conflict")
        newcomer = people["admin_b"]
        added = client.post(base, headers=headers, json={"email": newcomer.email, "role": "candidate"})
        assert added.status_code == 201
        assert_problem(client.post(base, headers=headers, json={"email": newcomer.email}), 409, "conflict")
        assert client.delete(f"{base}/{newcomer.id}", headers=headers).status_code == 204

    def test_adding_an_unknown_email_says_what_to_do(self, client, two_orgs):
        people, org_a, _ = two_orgs
        response = client.post(
            f"/api/v1/orgs/{org_a.id}/members", headers=headers_for(client, people["admin_a"]),
            json={"email": "nobody@example.com"},
        )
        assert "sign up first" in assert_problem(response, 404, "not-found")["detail"]


class TestApiKeys:
    def test_key_lifecycle(self, client, two_orgs):
        people, org_a, _ = two_orgs
        headers = headers_for(client, people["admin_a"])
        created = client.post(f"/api/v1/orgs/{org_a.id}/api-keys", headers=headers, json={"name": "careers site"})
        assert created.status_code == 201
        secret, key_id = created.json()["key"], created.json()["id"]
        assert secret.startswith("prk_") and created.json()["prefix"] == secret[:12]

        listed = client.get(f"/api/v1/orgs/{org_a.id}/api-keys", headers=headers).json()
        assert [k["id"] for k in listed] == [key_id]
        assert "key" not in listed[0] and secret not in str(listed)
        assert listed[0]["last_used_at"] is None

        whoami = client.get("/api/v1/integrations/whoami", headers={"X-API-Key": secret})
        assert whoami.status_code == 200 and whoami.json()["org_id"] == org_a.id
        listed = client.get(f"/api/v1/orgs/{org_a.id}/api-keys", headers=headers).json()
        assert listed[0]["last_used_at"] is not None

        revoked = client.delete(f"/api/v1/orgs/{org_a.id}/api-keys/{key_id}", headers=headers)
        assert revoked.json()["revoked_at"] is not None
        assert_problem(client.get("/api/v1/integrations/whoami", headers={"X-API-Key": secret}), 401,
                       "not-authenticated")

    def test_keys_are_admin_only_and_per_organisation(self, client, two_orgs):
        people, org_a, org_b = two_orgs
        assert_problem(
            client.post(f"/api/v1/orgs/{org_a.id}/api-keys", headers=headers_for(client, people["interviewer_a"]),
                        json={"name": "x"}), 403, "forbidden")
        admin_b = headers_for(client, people["admin_b"])
        key_b = client.post(f"/api/v1/orgs/{org_b.id}/api-keys", headers=admin_b, json={"name": "b"}).json()
        admin_a = headers_for(client, people["admin_a"])
        assert_problem(client.delete(f"/api/v1/orgs/{org_a.id}/api-keys/{key_b['id']}", headers=admin_a), 404,
                       "not-found")

    def test_garbage_and_missing_keys_get_401(self, client):
        assert_problem(client.get("/api/v1/integrations/whoami"), 401, "not-authenticated")
        assert_problem(client.get("/api/v1/integrations/whoami", headers={"X-API-Key": "prk_nope"}), 401,
                       "not-authenticated")
        assert_problem(client.get("/api/v1/integrations/whoami", headers={"X-API-Key": "hello"}), 401,
                       "not-authenticated")

    def test_an_api_key_is_not_a_user_session(self, client, two_orgs):
        people, org_a, _ = two_orgs
        headers = headers_for(client, people["admin_a"])
        secret = client.post(f"/api/v1/orgs/{org_a.id}/api-keys", headers=headers, json={"name": "k"}).json()["key"]
        response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
        assert_problem(response, 401, "not-authenticated")
