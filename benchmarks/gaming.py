"""Gaming resistance on the bank: how stuffed, copied and padded answers score next to each
question's genuine band-3 calibration answer.

    .venv/bin/python benchmarks/gaming.py

For each strategy: the highest and mean score over all questions, the mean band-3 score, and
how many questions the gamed answer beat the genuine band-3 answer on (target: 0).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from question_bank.schema import Question  # noqa: E402
from rubrics import Scorer, ScoringContext  # noqa: E402

QUESTIONS = Path(__file__).resolve().parents[1] / "question_bank" / "questions"
FLUFF = ("In my experience it is really important to think carefully about this. "
         "Communication with stakeholders is key and we always aligned on the goals. ")


def strategies(question: Question, rng: random.Random) -> dict[str, str]:
    terms = [form for _, concept in question.rubric.concepts() for form in concept.surface_forms()]
    rng.shuffle(terms)
    sentences = [s.strip() + "." for s in question.model_answer.replace("\n", " ").split(". ") if s.strip()]
    rng.shuffle(sentences)
    weak = min(question.calibration, key=lambda c: c.band).answer
    return {
        "bullet list of rubric terms": "\n".join(f"- {t}" for t in terms),
        "terms in one sentence": "We used " + ", ".join(terms) + ".",
        "prompt copied": question.prompt,
        "model answer copied": question.model_answer,
        "model answer, shuffled sentences": " ".join(sentences),
        "weak answer + fluff": weak + "\n\n" + FLUFF * 8,
        "weak answer + keyword list": weak + "\n\nKeywords: " + ", ".join(terms),
    }


def main() -> None:
    questions = []
    for path in sorted(QUESTIONS.glob("*.yaml")):
        try:
            questions.append(Question.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))))
        except Exception:  # noqa: BLE001 - invalid files are the bank linter's business
            continue
    scorer = Scorer([q.prompt for q in questions] + [q.model_answer for q in questions])
    rng = random.Random(7)
    table: dict[str, list[tuple[float, float]]] = {}
    for question in questions:
        band_3 = [c for c in question.calibration if c.band == 3]
        if not band_3:
            continue
        context = ScoringContext(prompt=question.prompt, model_answer=question.model_answer)
        genuine = scorer.score(question.rubric, band_3[0].answer, context=context).score
        for name, answer in strategies(question, rng).items():
            gamed = scorer.score(question.rubric, answer, context=context).score
            table.setdefault(name, []).append((gamed, genuine))
    print(f"{len(questions)} questions\n")
    print(f"{'strategy':<36} {'max':>6} {'mean':>6} {'band-3 mean':>12} {'beat band 3':>12}")
    for name, rows in table.items():
        gamed = [g for g, _ in rows]
        beat = sum(1 for g, b in rows if g > b)
        print(f"{name:<36} {max(gamed):>6.1f} {sum(gamed) / len(gamed):>6.1f} "
              f"{sum(b for _, b in rows) / len(rows):>12.1f} {beat:>6} / {len(rows)}")


if __name__ == "__main__":
    main()
