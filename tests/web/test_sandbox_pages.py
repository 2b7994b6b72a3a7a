"""Sandbox pages: task and kit, submitting a URL or an archive, the polling status fragment, results, access."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest

from sandbox.models import RunStatus, SandboxRun

TASK = "churn-deploy"
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


class RecordingDispatcher:
    """Stands in for the run workers: these tests are about the pages, not execution
    (a worker on another connection would contend with the test's open SQLite transaction)."""

    def __init__(self) -> None:
        self.dispatched: list[str] = []

    async def dispatch(self, run_id: str, attempt: int = 0) -> None:
        self.dispatched.append(run_id)


@pytest.fixture(autouse=True)
def dispatcher(live) -> Iterator[RecordingDispatcher]:
    original, live.app.state.sandbox_dispatcher = live.app.state.sandbox_dispatcher, RecordingDispatcher()
    yield live.app.state.sandbox_dispatcher
    live.app.state.sandbox_dispatcher = original


def run_id_of(response) -> str:
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def finished_run(db, user) -> str:
    """A finished run whose evidence contains markup, recorded as a worker would (nothing is dispatched)."""
    report = {
        "task_id": TASK, "target": "https://churn.example.com", "verdict": "fail", "score": 42.0, "reason": None,
        "checks": [{
            "id": "validation", "title": "Input validation", "weight": 15, "verdict": "fail", "score": 0.0,
            "summary": "A bad payload got a 500.", "hint": "Validate the body and answer 422.",
            "evidence": [{"method": "POST", "path": "/predict", "request": XSS, "status": 500, "response": XSS}],
        }],
    }
    with db.unit_of_work() as session:
        run = SandboxRun(user_id=user.id, task_id=TASK, mode="url", target_url="https://churn.example.com",
                         request_digest="0" * 64, status=RunStatus.FAILED, verdict="fail", score=42.0,
                         report=report, logs=XSS)
        session.add(run)
        session.flush()
        return run.id


class TestTaskPage:
    def test_task_page_has_the_description_kit_and_both_forms(self, signed_in) -> None:
        html = signed_in.http.get(f"/sandbox/tasks/{TASK}").text
        assert f'href="/api/v1/sandbox/tasks/{TASK}/kit"' in html
        assert 'enctype="multipart/form-data"' in html and 'name="url"' in html
        assert "What is checked" in html
        kit = signed_in.http.get(f"/api/v1/sandbox/tasks/{TASK}/kit")
        assert zipfile.ZipFile(io.BytesIO(kit.content)).namelist()

    def test_unknown_task_is_404(self, signed_in) -> None:
        assert signed_in.http.get("/sandbox/tasks/nope").status_code == 404


class TestSubmit:
    def test_private_and_metadata_addresses_are_refused_on_the_form(self, signed_in) -> None:
        for url in ("http://127.0.0.1:8000", "http://169.254.169.254/latest", "http://10.0.0.5", "ftp://x.org"):
            response = signed_in.post(f"/sandbox/tasks/{TASK}/url", {"url": url})
            assert response.status_code == 422, url
            assert 'role="alert"' in response.text

    def test_url_run_goes_to_its_page_which_polls_until_finished(self, signed_in) -> None:
        run_id = run_id_of(signed_in.post(f"/sandbox/tasks/{TASK}/url", {"url": "https://churn.example.com"}))
        html = signed_in.http.get(f"/sandbox/runs/{run_id}").text
        assert 'hx-trigger="every 2s"' in html and "Status:" in html
        fragment = signed_in.http.get(f"/sandbox/runs/{run_id}", headers={"HX-Request": "true"})
        assert fragment.text.lstrip().startswith('<div id="run-status"') and "<html" not in fragment.text

    def test_same_form_submitted_twice_makes_one_run(self, signed_in, dispatcher) -> None:
        data = {"url": "https://churn.example.com", "idempotency_key": "form-key-1"}
        first = run_id_of(signed_in.post(f"/sandbox/tasks/{TASK}/url", data))
        second = run_id_of(signed_in.post(f"/sandbox/tasks/{TASK}/url", data))
        assert first == second and dispatcher.dispatched == [first]

    def test_archive_upload_creates_a_run(self, signed_in) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("app/main.py", "print('hi')\n")
        response = signed_in.http.post(
            f"/sandbox/tasks/{TASK}/archive", data={"csrf_token": signed_in.csrf},
            files={"archive": ("project.zip", buffer.getvalue(), "application/zip")},
        )
        assert signed_in.http.get(f"/api/v1/sandbox/runs/{run_id_of(response)}").json()["mode"] == "archive"

    def test_missing_archive_re_renders_the_form(self, signed_in) -> None:
        response = signed_in.post(f"/sandbox/tasks/{TASK}/archive", {})
        assert response.status_code == 422 and "Choose the archive" in response.text

    def test_submit_without_csrf_is_refused(self, signed_in) -> None:
        response = signed_in.http.post(f"/sandbox/tasks/{TASK}/url", data={"url": "https://churn.example.com"})
        assert response.status_code == 403
        assert signed_in.http.get("/api/v1/sandbox/runs").json() == []


class TestResults:
    def test_finished_run_shows_checks_evidence_and_hints_escaped_and_stops_polling(self, signed_in, db) -> None:
        run_id = finished_run(db, signed_in.user)
        html = signed_in.http.get(f"/sandbox/runs/{run_id}").text
        assert "Input validation" in html and "Validate the body and answer 422." in html
        assert 'hx-trigger="every 2s"' not in html
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_another_candidate_cannot_see_my_run(self, signed_in, other_person) -> None:
        run_id = run_id_of(signed_in.post(f"/sandbox/tasks/{TASK}/url", {"url": "https://churn.example.com"}))
        assert other_person.http.get(f"/sandbox/runs/{run_id}").status_code == 404
        assert other_person.post(f"/sandbox/runs/{run_id}/cancel", {}).status_code == 404

    def test_cancel_a_queued_run(self, signed_in) -> None:
        run_id = run_id_of(signed_in.post(f"/sandbox/tasks/{TASK}/url", {"url": "https://churn.example.com"}))
        assert signed_in.post(f"/sandbox/runs/{run_id}/cancel", {}).status_code == 303
        assert "cancelled" in signed_in.http.get(f"/sandbox/runs/{run_id}").text
