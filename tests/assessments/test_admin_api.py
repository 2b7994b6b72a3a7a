"""Organisation settings and the member rules shared by the API and the admin pages."""

from __future__ import annotations

from tests.helpers import assert_problem


class TestOrganisationSettings:
    def test_an_admin_renames_the_organisation(self, team):
        response = team.org_api("PATCH", "", "admin", json={"name": "Org A (EU)"})
        assert response.status_code == 200 and response.json()["name"] == "Org A (EU)"

    def test_interviewers_cannot_and_outsiders_get_404(self, team):
        assert_problem(team.org_api("PATCH", "", "interviewer", json={"name": "x"}), 403, "forbidden")
        assert_problem(team.org_api("PATCH", "", "outsider", json={"name": "x"}), 404, "not-found")

    def test_the_last_admin_can_be_neither_demoted_nor_removed(self, team):
        me = team.people["admin"].id
        assert_problem(team.org_api("PATCH", f"/members/{me}", "admin", json={"role": "candidate"}), 409, "conflict")
        assert_problem(team.org_api("DELETE", f"/members/{me}", "admin"), 409, "conflict")
        promoted = team.org_api("PATCH", f"/members/{team.people['interviewer'].id}", "admin", json={"role": "admin"})
        assert promoted.status_code == 200
        assert team.org_api("DELETE", f"/members/{me}", "admin").status_code == 204
