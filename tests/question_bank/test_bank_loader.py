"""The loader: every error of every file, each at its line; good files load beside bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.loader import QUESTIONS_DIR, load_bank, load_bytes

FIXTURES = Path(__file__).parent / "fixtures"

STAGES = (
    "'data', 'features', 'training', 'evaluation', 'deployment', 'monitoring', 'retraining' or 'business'"
)
# file in fixtures/broken/ -> the one line `bank lint` prints for it, after "broken/<file>:"
BROKEN = {
    "bad-level.md": "6: level: unknown value 'expert'; expected 'beginner', 'intermediate' or 'advanced'",
    "duplicate-key.yaml": "7: duplicate key 'level' (first at line 5)",
    "empty-concept.yaml": "33: rubric.criteria[1].concepts[0].term: has no text",
    "empty.yaml": "1: file is empty",
    "missing-band.yaml": "46: missing field '3' in rubric.bands",
    "missing-calibration-band.yaml": "52: calibration: calibration answers missing for band(s) 3",
    "no-front-matter.md": "1: a Markdown question starts with YAML front matter between '---' lines",
    "not-a-mapping.yaml": "1: a question file is a YAML mapping, not a list",
    "not-utf8.yaml": "2: file is not UTF-8 text (byte 0xe9 cannot be decoded)",
    "syntax-error.yaml": "48: YAML syntax error: mapping values are not allowed in this context",
    "unknown-field.yaml": "6: unknown field 'owner'",
    "unknown-stage.yaml": f"4: stages[1]: unknown value 'deploy'; expected {STAGES}",
    "weight-sum.yaml": "22: rubric.criteria: criterion weights add up to 0.90, not 1.0",
}


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURES)
    return FIXTURES


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_reported_at_its_line(in_fixtures: Path, name: str) -> None:
    bank = load_bank(Path("broken") / name)
    assert [error.format() for error in bank.errors] == [f"broken/{name}:{BROKEN[name]}"]
    assert bank.questions == {}


def test_every_broken_file_is_reported_in_one_load(in_fixtures: Path) -> None:
    bank = load_bank("broken")
    expected = [f"broken/{name}:{BROKEN[name]}" for name in sorted(BROKEN)]
    assert [error.format() for error in bank.errors] == expected


def test_one_bad_file_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    for source in (FIXTURES / "good").iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "broken.yaml").write_bytes((FIXTURES / "broken" / "weight-sum.yaml").read_bytes())
    bank = load_bank(tmp_path)
    assert sorted(bank.questions) == ["canary-release-basics", "shadow-mode-basics"]
    assert [(error.path.name, error.line) for error in bank.errors] == [("broken.yaml", 22)]


def test_duplicate_ids_are_reported_in_both_files(in_fixtures: Path) -> None:
    bank = load_bank("duplicates")
    assert [error.format() for error in bank.errors] == [
        "duplicates/first.yaml:1: duplicate id 'same-id' (also in duplicates/second.yaml:1)",
        "duplicates/second.yaml:1: duplicate id 'same-id' (also in duplicates/first.yaml:1)",
    ]
    assert bank.questions == {}


def test_markdown_body_is_the_prompt_and_lines_count_the_front_matter(in_fixtures: Path) -> None:
    loaded = load_bank("good").questions["shadow-mode-basics"]
    assert loaded.question.prompt.startswith("Before a new fraud model takes decisions")
    assert loaded.line_of("level") == 6  # line 1 is the opening '---'


def test_prompt_in_front_matter_and_body_is_an_error(tmp_path: Path) -> None:
    good = (FIXTURES / "good" / "canary-release-basics.yaml").read_text()
    (tmp_path / "both.md").write_text(f"---\n{good}---\n\nA body that is also a prompt.\n")
    bank = load_bank(tmp_path)
    assert [(e.line, e.message) for e in bank.errors] == [
        (9, "prompt is given in the front matter and as the Markdown body; keep one")
    ]


def test_sandbox_task_must_be_known_when_tasks_are_given(tmp_path: Path) -> None:
    text = (FIXTURES / "good" / "canary-release-basics.yaml").read_text()
    text = text.replace("kind: technical", "kind: sandbox") + "task: no-such-task\n"
    (tmp_path / "sandbox.yaml").write_text(text)
    assert load_bank(tmp_path).errors == []
    errors = load_bank(tmp_path, known_tasks={"churn-deploy"}).errors
    assert [(e.line, e.message) for e in errors] == [(59, "unknown sandbox task 'no-such-task'")]


def test_content_hash_and_version_follow_the_content(tmp_path: Path) -> None:
    source = FIXTURES / "good" / "canary-release-basics.yaml"
    (tmp_path / "q.yaml").write_text(source.read_text())
    first = load_bank(tmp_path)
    (tmp_path / "q.yaml").write_text("# a comment changes nothing\n" + source.read_text())
    same = load_bank(tmp_path)
    edited = source.read_text().replace("time_guide_minutes: 5", "time_guide_minutes: 6")
    (tmp_path / "q.yaml").write_text(edited)
    changed = load_bank(tmp_path)
    hashes = [bank.questions["canary-release-basics"].content_hash for bank in (first, same, changed)]
    assert hashes[0] == hashes[1] != hashes[2]
    assert first.content_version == same.content_version != changed.content_version


def test_unquoted_band_numbers_are_keys(in_fixtures: Path) -> None:
    text = (FIXTURES / "good" / "canary-release-basics.yaml").read_bytes()
    assert b"\n    1: No plan." in text
    item, errors = load_bytes(Path("q.yaml"), text)
    assert errors == [] and item is not None
    assert item.question.rubric.bands.describe(1) == "No plan."


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    bank = load_bank(tmp_path / "nowhere")
    assert [e.message for e in bank.errors] == ["no such file or directory"]


def test_default_bank_is_the_bundled_questions_folder() -> None:
    assert QUESTIONS_DIR.name == "questions" and QUESTIONS_DIR.parent.name == "question_bank"
