"""The loader never raises on arbitrary content: it reports errors instead."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from question_bank.loader import BankError, load_bytes

GOOD = (Path(__file__).parent / "fixtures" / "good" / "canary-release-basics.yaml").read_text()


def _check(name: str, raw: bytes) -> None:
    item, errors = load_bytes(Path(name), raw)
    assert (item is None) == bool(errors)
    assert all(isinstance(e, BankError) and e.line >= 1 and e.message for e in errors)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=2000), suffix=st.sampled_from([".yaml", ".md"]))
def test_arbitrary_bytes(raw: bytes, suffix: str) -> None:
    _check(f"q{suffix}", raw)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=2000), suffix=st.sampled_from([".yaml", ".md"]))
def test_arbitrary_text(text: str, suffix: str) -> None:
    _check(f"q{suffix}", text.encode("utf-8", "surrogatepass"))


YAMLISH = st.text(alphabet=st.sampled_from(list("ab1:-[]{}&*!|>'\"#\n ,?%@`\t")), max_size=300)


@settings(max_examples=500, deadline=None)
@given(text=YAMLISH)
def test_yaml_shaped_noise(text: str) -> None:
    _check("q.yaml", text.encode())


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(GOOD)), insert=YAMLISH)
def test_a_good_file_with_damage(cut: int, insert: str) -> None:
    _check("q.yaml", (GOOD[:cut] + insert + GOOD[cut:]).encode())


def test_deep_nesting_and_self_reference() -> None:
    _check("q.yaml", b"[" * 5000)
    _check("q.yaml", b"a: &x [*x]\nid: &y {k: *y}\n")
    _check("q.yaml", b"id: !!timestamp 2024-13-45\n")
    _check("q.yaml", b"? [a, b]\n: c\n")
