"""The LLM second rater beside a stored attempt: disagreement flags review, failure keeps the score."""

from __future__ import annotations

import json

import pytest

from practice.scoring import ScoringService, second_rater_from
from practice.service import create_attempt
from question_bank.catalog import CatalogCache
from tests.conftest import make_settings
from tests.factories import make_user
from tests.rubrics.llm_server import API_KEY, MODEL, ChatServer, error, rating

QUESTION = "offline-model-to-production"
ANSWER = "Put it behind a canary, watch latency and drift, retrain monthly with Airflow."


@pytest.fixture
def chat():
    server = ChatServer().start()
    yield server
    server.stop()


def scoring_with(chat, tmp_path) -> ScoringService:
    settings = make_settings(tmp_path, llm_base_url=chat.base_url, llm_model=MODEL, llm_api_key=API_KEY,
                             llm_timeout_seconds=5)
    return ScoringService(second_rater_from(settings))


def attempt_with(db, scoring, user):
    with db.unit_of_work() as session:
        catalog = CatalogCache().get(session)
        return create_attempt(session, catalog=catalog, scoring=scoring, user=user, question_id=QUESTION,
                              answer=ANSWER)


def test_a_wide_disagreement_is_flagged_for_human_review(db, chat, tmp_path):
    chat.queue(rating(score=98, band=5, criteria=[]))
    user = make_user(db, email="private.person@example.com", display_name="Private Person")
    attempt = attempt_with(db, scoring_with(chat, tmp_path), user)
    assert attempt.second_rating["status"] == "disagreed" and attempt.needs_review
    assert attempt.score < 98  # the deterministic score is stored as it was
    sent = json.dumps(chat.requests[0].body)
    assert "private.person@example.com" not in sent and "Private Person" not in sent and user.id not in sent
    assert chat.requests[0].body["temperature"] == 0


def test_an_unavailable_rater_leaves_the_deterministic_score(db, chat, tmp_path):
    chat.queue(*[error(500)] * 5)
    attempt = attempt_with(db, scoring_with(chat, tmp_path), make_user(db))
    assert attempt.second_rating["status"] == "unavailable" and not attempt.needs_review
    assert 0 <= attempt.score <= 100


def test_no_endpoint_means_no_second_rater(tmp_path):
    assert second_rater_from(make_settings(tmp_path)) is None
