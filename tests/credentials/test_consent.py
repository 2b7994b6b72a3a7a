"""Organisation API keys read assessment results only for candidates who consented."""

from __future__ import annotations

from tests.credentials.conftest import add_attempt, person, question_versions
from tests.factories import make_org
from tests.helpers import assert_problem


def api_key(client, org, admin) -> dict[str, str]:
    response = client.post(f"/api/v1/orgs/{org.slug}/api-keys", headers=admin.headers, json={"name": "careers"})
    assert response.status_code == 201, response.text
    return {"X-API-Key": response.json()["key"]}


class TestConsent:
    def test_consent_gates_results_and_can_be_withdrawn(self, client, db, org_with_admin, member_of):
        org, admin = org_with_admin
        someone = person(client, db)
        member_of(org, someone)
        questions = question_versions(db, count=3)
        assessed = add_attempt(db, someone.user, questions[0], score=64.0, band=3, source="assessment", org=org)
        add_attempt(db, someone.user, questions[1], score=90.0, band=5)  # practice: never the organisation's
        key = api_key(client, org, admin)

        assert client.get("/api/v1/integrations/results", headers=key).json() == []
        assert client.put(f"/api/v1/profile/consents/{org.slug}", headers=someone.headers).status_code == 204
        rows = client.get("/api/v1/integrations/results", headers=key).json()
        assert [r["attempt_id"] for r in rows] == [assessed.id] and rows[0]["score"] == 64.0
        consents = client.get("/api/v1/profile/consents", headers=someone.headers).json()
        assert consents[0]["org_slug"] == org.slug and consents[0]["withdrawn_at"] is None

        assert client.delete(f"/api/v1/profile/consents/{org.slug}", headers=someone.headers).status_code == 204
        assert client.get("/api/v1/integrations/results", headers=key).json() == []

    def test_another_organisations_key_sees_nothing(self, client, db, org_with_admin, member_of):
        org, admin = org_with_admin
        someone = person(client, db)
        member_of(org, someone)
        add_attempt(db, someone.user, question_versions(db, count=1)[0], score=64.0, band=3, source="assessment",
                    org=org)
        client.put(f"/api/v1/profile/consents/{org.slug}", headers=someone.headers)
        rival_admin = person(client, db)
        rival = make_org(db, owner=rival_admin.user, name="Rival")
        rival_key = api_key(client, rival, rival_admin)
        assert client.get("/api/v1/integrations/results", headers=rival_key).json() == []

    def test_consent_only_for_related_organisations(self, client, db):
        someone = person(client, db)
        stranger_admin = person(client, db)
        strange = make_org(db, owner=stranger_admin.user, name="Strangers")
        assert_problem(client.put(f"/api/v1/profile/consents/{strange.slug}", headers=someone.headers), 404,
                       "not-found")

    def test_results_need_a_valid_key(self, client):
        assert_problem(client.get("/api/v1/integrations/results"), 401, "not-authenticated")
        assert_problem(client.get("/api/v1/integrations/results", headers={"X-API-Key": "prk_nope"}), 401,
                       "not-authenticated")
