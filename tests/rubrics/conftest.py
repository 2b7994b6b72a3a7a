"""Fixtures for the second-rater tests: one loopback chat-completions server per module."""

from __future__ import annotations

import pytest

from tests.rubrics.llm_server import ChatServer


@pytest.fixture(scope="module")
def server():
    chat = ChatServer().start()
    yield chat
    chat.stop()


@pytest.fixture
def chat(server):
    server.reset()
    return server


@pytest.fixture
def sleeps():
    return []
