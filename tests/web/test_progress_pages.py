"""Progress: the server-rendered SVG chart, areas and suggestions, from the same build_progress as the API."""

from __future__ import annotations

from tests.web.test_practice_pages import GOOD_ANSWER, submit


class TestProgress:
    def test_empty_progress_invites_practice(self, signed_in) -> None:
        html = signed_in.http.get("/progress").text
        assert "No practice yet" in html and "<svg" not in html

    def test_chart_and_tables_after_attempts(self, signed_in) -> None:
        submit(signed_in, "Airflow only.")
        submit(signed_in, GOOD_ANSWER)
        html = signed_in.http.get("/progress").text
        api = signed_in.http.get("/api/v1/progress").json()
        assert '<svg class="chart" id="score-chart"' in html and html.count('<circle class="dot"') == 2
        assert '<svg class="chart" id="stage-chart"' in html
        for qid in api["suggested"]:
            assert f'href="/bank/{qid}"' in html

    def test_progress_needs_sign_in(self, client) -> None:
        assert client.get("/progress").headers["location"] == "/signin?next=/progress"
