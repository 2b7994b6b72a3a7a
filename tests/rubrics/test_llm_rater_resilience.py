"""The second rater under failure: retries with backoff, timeouts, client errors, the circuit breaker."""

from __future__ import annotations

import socket
import time

import pytest

from rubrics.llm_breaker import CircuitBreaker
from rubrics.llm_config import LLMRaterConfig
from rubrics.llm_rater import LLMRater
from tests.rubrics.llm_cases import ANSWER, QUESTION, RUBRIC, FakeClock, make_rater
from tests.rubrics.llm_server import API_KEY, MODEL, Reply, error, rating


def test_a_500_is_retried_and_the_next_reply_used(chat, sleeps):
    chat.queue(error(500), rating(score=70, band=4))
    with make_rater(chat, sleeps) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert result.status == "agreed" and result.score == 70
    assert len(chat.requests) == 2 and len(sleeps) == 1


def test_always_500_gives_up_after_bounded_retries(chat, sleeps):
    chat.default = error(500)
    with make_rater(chat, sleeps, max_retries=3, backoff_initial_seconds=0.5, backoff_max_seconds=2) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert result.status == "unavailable" and result.reason_code == "http_error"
    assert "HTTP 500" in result.reason and "after 4 attempts" in result.reason
    assert len(chat.requests) == 4
    assert len(sleeps) == 3 and all(0 < pause <= 2 for pause in sleeps)
    assert sleeps[1] >= 1.0  # exponential: 0.5 * 2 plus jitter


def test_429_waits_as_long_as_retry_after_says(chat, sleeps):
    chat.queue(error(429, "rate_limit_exceeded", headers={"Retry-After": "3"}), rating())
    with make_rater(chat, sleeps, backoff_max_seconds=8) as rater:
        assert rater.rate(QUESTION, RUBRIC, ANSWER, 70).status == "agreed"
    assert sleeps == [3.0]


def test_a_slow_reply_times_out(chat, sleeps):
    chat.default = Reply(content=rating().content, delay=1.5)
    started = time.monotonic()
    with make_rater(chat, sleeps, timeout_seconds=0.2, max_retries=1) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert time.monotonic() - started < 1.4
    assert result.status == "unavailable" and result.reason_code == "timeout"
    assert "no reply within 0.2 s" in result.reason and "after 2 attempts" in result.reason
    assert len(chat.requests) == 2


@pytest.mark.parametrize(("reply", "key", "label"), [
    (rating(), "wrong-key", "HTTP 401 from the endpoint: invalid_api_key"),
    (error(400, "invalid_request_error"), API_KEY, "HTTP 400"),
    (error(404, "model_not_found"), API_KEY, "HTTP 404"),
])
def test_client_errors_are_not_retried(chat, sleeps, reply, key, label):
    chat.default = reply
    with make_rater(chat, sleeps, api_key=key) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert result.status == "unavailable" and result.reason_code == "http_error"
    assert result.reason.startswith(label) and "wrong-key" not in result.reason
    assert len(chat.requests) == 1 and sleeps == []


def test_an_unreachable_endpoint_is_unavailable_not_an_exception(sleeps):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = LLMRaterConfig(enabled=True, base_url=f"http://127.0.0.1:{port}/v1", model=MODEL, max_retries=1)
    with LLMRater(config, sleep=sleeps.append) as rater:
        result = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
    assert result.status == "unavailable" and result.reason_code == "transport_error"
    assert len(sleeps) == 1


def test_circuit_opens_after_n_failures_and_half_opens_after_cool_down(chat, sleeps):
    clock = FakeClock()
    chat.default = error(503)
    rater = make_rater(chat, sleeps, clock, max_retries=0, breaker_failure_threshold=3, breaker_cooldown_seconds=30)
    with rater:
        for _ in range(3):
            assert rater.rate(QUESTION, RUBRIC, ANSWER, 70).reason_code == "http_error"
        assert len(chat.requests) == 3 and rater.breaker.state == "open"

        refused = rater.rate(QUESTION, RUBRIC, ANSWER, 70)
        assert refused.status == "unavailable" and refused.reason_code == "circuit_open"
        assert "3 times in a row" in refused.reason and "next try in 30 s" in refused.reason
        clock.advance(29)
        assert rater.rate(QUESTION, RUBRIC, ANSWER, 70).reason_code == "circuit_open"
        assert len(chat.requests) == 3  # nothing sent while open

        clock.advance(2)  # cool-down over: one probe goes out, fails, and the circuit opens again
        assert rater.rate(QUESTION, RUBRIC, ANSWER, 70).reason_code == "http_error"
        assert rater.rate(QUESTION, RUBRIC, ANSWER, 70).reason_code == "circuit_open"
        assert len(chat.requests) == 4

        clock.advance(31)  # the next probe succeeds and closes the circuit
        chat.default = rating(score=70)
        assert rater.rate(QUESTION, RUBRIC, ANSWER, 70).status == "agreed"
        assert rater.breaker.state == "closed"
        assert rater.rate(QUESTION, RUBRIC, ANSWER, 70).status == "agreed"
        assert len(chat.requests) == 6


def test_half_open_lets_exactly_one_probe_through():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=10, clock=clock)
    breaker.record_failure()
    assert breaker.allow() is False
    clock.advance(10)
    assert breaker.allow() is True
    assert breaker.allow() is False  # a second caller waits for the probe's outcome
    clock.advance(10)
    assert breaker.allow() is True  # a probe that never reported back is given up on
    breaker.record_success()
    assert breaker.state == "closed" and breaker.consecutive_failures == 0


def test_a_success_resets_the_failure_count(chat, sleeps):
    chat.queue(error(500), error(500), rating(), error(500), error(500))
    rater = make_rater(chat, sleeps, max_retries=0, breaker_failure_threshold=3)
    with rater:
        results = [rater.rate(QUESTION, RUBRIC, ANSWER, 70).status for _ in range(5)]
    assert results == ["unavailable", "unavailable", "agreed", "unavailable", "unavailable"]
    assert rater.breaker.state == "closed"
