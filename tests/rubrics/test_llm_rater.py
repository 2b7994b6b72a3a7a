"""The optional LLM second rater against a real loopback chat-completions server: replies and verdicts."""

from __future__ import annotations

import asyncio
import inspect
import json
import math

import pytest

from rubrics.llm_async import AsyncLLMRater
from rubrics.llm_config import LLMRaterConfig
from rubrics.llm_rater import LLMRater
from tests.rubrics.llm_cases import ANSWER, QUESTION, RUBRIC, make_rater
from tests.rubrics.llm_server import API_KEY, MODEL, Reply, error, rating


def test_good_reply_that_agrees(chat, sleeps):
    chat.queue(rating(score=72, band=4, criteria=[{"id": "deployment", "band": 4}, {"id": "monitoring", "band": 3}]))
    with make_rater(chat, sleeps) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, auto_score=65.0)
    assert result.status == "agreed"
    assert (result.score, result.band, result.difference) == (72, 4, 7.0)
    assert [(c.criterion_id, c.band) for c in result.criteria] == [("deployment", 4), ("monitoring", 3)]
    assert "canary" in result.rationale
    assert result.needs_human_review is False
    assert result.model == MODEL and result.reason is None
    assert len(chat.requests) == 1 and sleeps == []


def test_request_is_chat_completions_with_schema_rubric_and_no_identity(chat, sleeps):
    with make_rater(chat, sleeps) as rater:
        rater.rate(QUESTION, RUBRIC, ANSWER, auto_score=70)
    [request] = chat.requests
    body = request.body
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert set(body) == {"model", "messages", "temperature", "response_format"}
    assert body["temperature"] == 0 and body["model"] == MODEL
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert set(schema["required"]) == {"score", "band", "criteria", "rationale"}
    assert schema["properties"]["criteria"]["items"]["properties"]["id"]["enum"] == [
        "deployment", "monitoring", "retraining"]
    assert all(set(message) == {"role", "content"} for message in body["messages"])
    prompt = "\n".join(message["content"] for message in body["messages"])
    for text in ["Safe deployment", "canary release", "data drift", "PSI", "retraining trigger",
                 "Optimises accuracy, ignores inference cost", "Canary, drift monitoring and a retraining trigger.",
                 "Deployment strategy -> Monitoring plan -> Retraining protocol", QUESTION]:
        assert text in prompt, text
    assert ANSWER in prompt  # sent exactly as given, injection attempt and double space included
    identity = {"user", "user_id", "name", "email", "candidate", "candidate_id", "metadata", "store"}
    assert not identity & (set(body) | {key for message in body["messages"] for key in message})


def test_rate_takes_no_identity():
    parameters = set(inspect.signature(LLMRater.rate).parameters)
    assert parameters == {"self", "question_prompt", "rubric", "answer", "auto_score"}


@pytest.mark.parametrize(("llm", "auto", "status"), [(90, 40.0, "disagreed"), (20, 80.0, "disagreed"),
                                                     (85, 70.0, "agreed"), (55, 70.0, "agreed")])
def test_disagreement_beyond_the_margin_goes_to_human_review(chat, sleeps, llm, auto, status):
    chat.queue(rating(score=llm, band=3))
    with make_rater(chat, sleeps) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, auto_score=auto)
    assert result.status == status
    assert result.needs_human_review is (status == "disagreed")
    assert result.difference == llm - auto and result.auto_score == auto


def test_fenced_json_content_is_accepted(chat, sleeps):
    verdict = {"score": 60, "band": 3, "criteria": [], "rationale": "ok"}
    chat.queue(Reply(content=f"```json\n{json.dumps(verdict)}\n```"))
    with make_rater(chat, sleeps) as rater:
        assert rater.rate(QUESTION, RUBRIC, ANSWER, 60).status == "agreed"


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(content="{'score': 70, band: 4"), "not valid JSON"),
        (Reply(content="Sure! I'd give this a 4."), "not valid JSON"),
        (Reply(content=""), "no message content"),
        (Reply(body={"id": "x", "object": "chat.completion", "choices": []}), "no choices"),
        (Reply(raw="<html>gateway</html>"), "not JSON"),
    ],
)
def test_malformed_replies_make_the_rater_unavailable(chat, sleeps, reply, words):
    chat.queue(reply)
    with make_rater(chat, sleeps) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert result.status == "unavailable" and result.reason_code == "bad_reply"
    assert words in result.reason
    assert result.score is None and result.band is None and result.needs_human_review is False
    assert len(chat.requests) == 1 and sleeps == []  # a bad reply is not retried


@pytest.mark.parametrize(
    "verdict",
    [
        {"score": 150, "band": 4, "criteria": [], "rationale": "x"},
        {"score": 70, "criteria": [], "rationale": "x"},
        {"score": 70, "band": "4", "criteria": [], "rationale": "x"},
        {"score": 70.5, "band": 4, "criteria": [], "rationale": "x"},
        {"score": 70, "band": 4, "criteria": [], "rationale": "x", "candidate": "someone"},
        {"score": 70, "band": 4, "criteria": [{"id": "deployment", "band": 9}], "rationale": "x"},
        {"score": 70, "band": 4, "criteria": [{"id": "cost", "band": 3}], "rationale": "x"},
        [70, 4],
    ],
)
def test_content_failing_the_schema_makes_the_rater_unavailable(chat, sleeps, verdict):
    chat.queue(Reply(content=json.dumps(verdict)))
    with make_rater(chat, sleeps) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert result.status == "unavailable" and result.reason_code == "bad_reply"
    assert "schema" in result.reason or "unknown criteria" in result.reason


def test_off_by_default_and_sends_nothing(chat, sleeps):
    assert LLMRaterConfig().enabled is False
    with LLMRater(LLMRaterConfig(base_url=chat.base_url, model=MODEL)) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert result.status == "unavailable" and result.reason_code == "disabled"
    assert chat.requests == []


def test_enabled_config_needs_an_endpoint_and_a_model():
    with pytest.raises(ValueError):
        LLMRaterConfig(enabled=True, model=MODEL)
    with pytest.raises(ValueError):
        LLMRaterConfig(enabled=True, base_url="http://127.0.0.1:1/v1")
    assert LLMRaterConfig(base_url="http://h/v1/").endpoint == "http://h/v1/chat/completions"


@pytest.mark.parametrize("auto", [math.nan, -5, 140])
def test_odd_auto_scores_do_not_raise(chat, sleeps, auto):
    with make_rater(chat, sleeps) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, auto)
    assert 0 <= result.auto_score <= 100


def test_async_rater_rates_retries_and_fails_soft(chat):
    pauses: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        pauses.append(seconds)

    async def scenario():
        config = LLMRaterConfig(enabled=True, base_url=chat.base_url, model=MODEL, api_key=API_KEY, max_retries=1)
        async with AsyncLLMRater(config, sleep=fake_sleep) as rater:
            chat.queue(error(502), rating(score=95, band=5))
            first = await rater.rate(QUESTION, RUBRIC, ANSWER, 60)
            chat.queue(Reply(content="not json"))
            second = await rater.rate(QUESTION, RUBRIC, ANSWER, 60)
        return first, second

    first, second = asyncio.run(scenario())
    assert first.status == "disagreed" and first.needs_human_review and first.score == 95
    assert second.status == "unavailable" and second.reason_code == "bad_reply"
    assert len(chat.requests) == 3 and len(pauses) == 1
    assert chat.requests[0].body["temperature"] == 0
