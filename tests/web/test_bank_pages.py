"""Browsing and filtering the bank: the plain GET form, the htmx fragment, the question page."""

from __future__ import annotations

from tests.web.conftest import QUESTION_ID


class TestBrowse:
    def test_filters_narrow_the_list_like_the_api(self, client) -> None:
        page = client.get("/bank", params={"stage": "monitoring", "level": "advanced"})
        api = client.get("/api/v1/questions", params={"stage": "monitoring", "level": "advanced", "limit": 100})
        assert page.status_code == 200
        assert f"{api.json()['total']} question" in page.text
        for item in api.json()["items"][:20]:
            assert f'href="/bank/{item["id"]}"' in page.text

    def test_search_tolerates_typos(self, client) -> None:
        assert "matching “canray”" in client.get("/bank", params={"q": "canray"}).text
        assert 'href="/bank/' in client.get("/bank", params={"q": "canray"}).text

    def test_htmx_gets_only_the_results_fragment_and_vary(self, client) -> None:
        full = client.get("/bank", params={"kind": "case"})
        fragment = client.get("/bank", params={"kind": "case"}, headers={"HX-Request": "true"})
        assert "<html" in full.text and "<html" not in fragment.text
        assert fragment.text.lstrip().startswith('<p class="muted" id="result-count">')
        assert "HX-Request" in full.headers["vary"] and "HX-Request" in fragment.headers["vary"]

    def test_search_text_is_escaped(self, client) -> None:
        html = client.get("/bank", params={"q": "<script>alert(1)</script>"}).text
        assert "<script>alert(1)</script>" not in html

    def test_unknown_filter_value_is_a_422_page(self, client) -> None:
        response = client.get("/bank", params={"stage": "astrology"})
        assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")


class TestQuestionPage:
    def test_anonymous_visitor_sees_the_prompt_and_a_sign_in_link(self, client) -> None:
        html = client.get(f"/bank/{QUESTION_ID}").text
        assert "<h1>" in html and f"/signin?next=/bank/{QUESTION_ID}" in html
        assert '<textarea id="answer"' not in html

    def test_signed_in_candidate_gets_the_answer_form_without_the_model_answer(self, signed_in) -> None:
        html = signed_in.http.get(f"/bank/{QUESTION_ID}").text
        assert '<textarea id="answer"' in html and "Model answer" not in html

    def test_unknown_question_is_a_404_page(self, client) -> None:
        response = client.get("/bank/no-such-question")
        assert response.status_code == 404 and "No question with id" in response.text
