"""The sandbox runs API over real HTTP: creating (idempotently), reading, access, cancelling, uploads.

These runs stay queued: the live server's workers use their own committed database, and the
test's rows live in a transaction rolled back afterwards. Execution is tested in test_run_dispatch.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from prodready.accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, add_member, make_org, make_user
from tests.helpers import assert_problem, sign_in
from tests.sandbox.conftest_jobs import service_archive

RUNS = "/api/v1/sandbox/runs"
URL_RUN = {"task": "churn-deploy", "url": "https://churn.example.com"}


def headers_for(client, user, **extra):
    return {**sign_in(client, user.email, DEFAULT_PASSWORD).headers, **extra}


@pytest.fixture
def people(db):
    names = ("candidate", "other_candidate", "interviewer_a", "candidate_a", "interviewer_b", "admin_a", "admin_b")
    found = {name: make_user(db, display_name=name) for name in names}
    org_a = make_org(db, owner=found["admin_a"], name="Org A")
    org_b = make_org(db, owner=found["admin_b"], name="Org B")
    add_member(db, org_a, found["candidate"], Role.CANDIDATE)
    add_member(db, org_a, found["interviewer_a"], Role.INTERVIEWER)
    add_member(db, org_a, found["candidate_a"], Role.CANDIDATE)
    add_member(db, org_b, found["interviewer_b"], Role.INTERVIEWER)
    return found, org_a, org_b


class TestCreateUrlRun:
    def test_signed_in_candidate_queues_a_run(self, client, people):
        users, _, _ = people
        response = client.post(RUNS, json=URL_RUN, headers=headers_for(client, users["candidate"]))
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["status"], body["mode"], body["task"], body["org_id"]) == ("queued", "url", "churn-deploy", None)
        assert response.headers["location"] == f"{RUNS}/{body['id']}"

    def test_same_idempotency_key_returns_the_same_run(self, client, people):
        headers = headers_for(client, people[0]["candidate"], **{"Idempotency-Key": "try-1"})
        first = client.post(RUNS, json=URL_RUN, headers=headers)
        again = client.post(RUNS, json=URL_RUN, headers=headers)
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        assert len(client.get(RUNS, headers=headers).json()) == 1

    def test_same_key_with_a_different_body_gets_409_problem(self, client, people):
        headers = headers_for(client, people[0]["candidate"], **{"Idempotency-Key": "try-2"})
        assert client.post(RUNS, json=URL_RUN, headers=headers).status_code == 201
        other = {**URL_RUN, "url": "https://other.example.com"}
        assert_problem(client.post(RUNS, json=other, headers=headers), 409, "conflict")

    def test_keys_are_per_user(self, client, people):
        users, _, _ = people
        key = {"Idempotency-Key": "k"}
        first = client.post(RUNS, json=URL_RUN, headers=headers_for(client, users["candidate"], **key))
        second = client.post(RUNS, json=URL_RUN, headers=headers_for(client, users["other_candidate"], **key))
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["id"] != second.json()["id"]

    def test_signed_out_gets_401_problem(self, client):
        assert_problem(client.post(RUNS, json=URL_RUN), 401, "not-authenticated")

    @pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://169.254.169.254/", "http://10.0.0.5",
                                     "ftp://example.com", "not a url"])
    def test_unsafe_or_invalid_url_gets_422_problem(self, client, people, url):
        headers = headers_for(client, people[0]["candidate"])
        assert_problem(client.post(RUNS, json={**URL_RUN, "url": url}, headers=headers), 422, "validation-error")

    def test_unknown_task_gets_422_problem(self, client, people):
        headers = headers_for(client, people[0]["candidate"])
        assert_problem(client.post(RUNS, json={**URL_RUN, "task": "nope"}, headers=headers), 422, "validation-error")

    def test_org_the_user_is_not_in_gets_404_problem(self, client, people):
        users, _, org_b = people
        headers = headers_for(client, users["candidate"])
        response = client.post(RUNS, json={**URL_RUN, "org": org_b.slug}, headers=headers)
        assert_problem(response, 404, "not-found")


class TestReadRun:
    def _org_run(self, client, people) -> str:
        users, org_a, _ = people
        headers = headers_for(client, users["candidate"])
        response = client.post(RUNS, json={**URL_RUN, "org": org_a.slug}, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["org_id"] == org_a.id
        return response.json()["id"]

    def test_owner_reads_the_run_with_its_detail(self, client, people):
        run_id = self._org_run(client, people)
        body = client.get(f"{RUNS}/{run_id}", headers=headers_for(client, people[0]["candidate"])).json()
        assert body["id"] == run_id and "report" in body and "logs" in body

    def test_interviewer_of_the_runs_org_can_read_it(self, client, people):
        run_id = self._org_run(client, people)
        response = client.get(f"{RUNS}/{run_id}", headers=headers_for(client, people[0]["interviewer_a"]))
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize("who", ["other_candidate", "candidate_a", "interviewer_b", "admin_b"])
    def test_anyone_else_gets_404_problem(self, client, people, who):
        run_id = self._org_run(client, people)
        response = client.get(f"{RUNS}/{run_id}", headers=headers_for(client, people[0][who]))
        assert_problem(response, 404, "not-found")

    def test_a_practice_run_is_visible_to_its_owner_only(self, client, people):
        users, _, _ = people
        run_id = client.post(RUNS, json=URL_RUN, headers=headers_for(client, users["candidate"])).json()["id"]
        response = client.get(f"{RUNS}/{run_id}", headers=headers_for(client, users["interviewer_a"]))
        assert_problem(response, 404, "not-found")

    def test_my_runs_lists_only_mine(self, client, people):
        users, _, _ = people
        mine = client.post(RUNS, json=URL_RUN, headers=headers_for(client, users["candidate"])).json()["id"]
        client.post(RUNS, json=URL_RUN, headers=headers_for(client, users["other_candidate"]))
        listed = client.get(RUNS, headers=headers_for(client, users["candidate"])).json()
        assert [run["id"] for run in listed] == [mine]


class TestCancelRun:
    def test_owner_cancels_a_queued_run_once(self, client, people):
        headers = headers_for(client, people[0]["candidate"])
        run_id = client.post(RUNS, json=URL_RUN, headers=headers).json()["id"]
        response = client.post(f"{RUNS}/{run_id}/cancel", headers=headers)
        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        assert_problem(client.post(f"{RUNS}/{run_id}/cancel", headers=headers), 409, "conflict")

    def test_someone_else_cannot_cancel_it(self, client, people):
        users, _, _ = people
        run_id = client.post(RUNS, json=URL_RUN, headers=headers_for(client, users["candidate"])).json()["id"]
        response = client.post(f"{RUNS}/{run_id}/cancel", headers=headers_for(client, users["other_candidate"]))
        assert_problem(response, 404, "not-found")


class TestArchiveRun:
    def test_upload_is_stored_and_queued(self, client, people, session_settings):
        data = service_archive()
        response = client.post(f"{RUNS}/archive", data={"task": "churn-deploy"}, files={"file": ("p.zip", data)},
                               headers=headers_for(client, people[0]["candidate"]))
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["mode"], body["archive_bytes"]) == ("archive", len(data))
        stored = session_settings.data_dir / "sandbox" / "uploads" / f"{body['id']}.zip"
        assert stored.read_bytes() == data

    def test_replayed_upload_keeps_one_file(self, client, people, session_settings):
        headers = headers_for(client, people[0]["candidate"], **{"Idempotency-Key": "upload-1"})
        form = {"data": {"task": "churn-deploy"}, "files": {"file": ("p.zip", service_archive())}}
        first = client.post(f"{RUNS}/archive", headers=headers, **form)
        again = client.post(f"{RUNS}/archive", headers=headers, **form)
        assert (first.status_code, again.status_code) == (201, 200)
        uploads = session_settings.data_dir / "sandbox" / "uploads"
        assert not [p for p in uploads.iterdir() if p.name.startswith(".incoming")]

    def test_not_an_archive_gets_422_problem(self, client, people):
        response = client.post(f"{RUNS}/archive", data={"task": "churn-deploy"}, files={"file": ("p.exe", b"MZ")},
                               headers=headers_for(client, people[0]["candidate"]))
        assert_problem(response, 422, "validation-error")

    def test_over_the_upload_limit_gets_413_problem(self, client, people, session_settings):
        big = b"0" * (session_settings.max_upload_bytes + 1)
        response = client.post(f"{RUNS}/archive", data={"task": "churn-deploy"}, files={"file": ("p.zip", big)},
                               headers=headers_for(client, people[0]["candidate"]))
        assert_problem(response, 413, "payload-too-large")


class TestTasks:
    def test_tasks_are_listed_with_title_and_summary(self, client):
        tasks = client.get("/api/v1/sandbox/tasks").json()
        churn = next(task for task in tasks if task["id"] == "churn-deploy")
        assert churn["title"] and churn["summary"] and churn["checks"]
        assert churn["kit_url"] == "/api/v1/sandbox/tasks/churn-deploy/kit"

    def test_kit_downloads_as_a_zip(self, client):
        response = client.get("/api/v1/sandbox/tasks/churn-deploy/kit")
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert "churn-deploy/TASK.md" in names and "churn-deploy/openapi.json" in names

    def test_unknown_task_kit_gets_404_problem(self, client):
        assert_problem(client.get("/api/v1/sandbox/tasks/nope/kit"), 404, "not-found")
