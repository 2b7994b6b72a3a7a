"""Scorer speed on one core: per-answer latency for 50-, 300- and 1,000-word answers, and batch
throughput, beside a rapidfuzz token_set_ratio baseline timed on the same answers.

    .venv/bin/python benchmarks/scorer_speed.py [--repeats N] [--rounds R]

Answers are built from the example rubric's own sentences (deterministic), so every signal
has real work to do. The structure classifier and the rubric are warmed up first: they are
fitted or compiled once per process. Times are CPU time of the process pinned to one core.
Each measurement runs R rounds and reports the best round (as `timeit` does): on a shared
machine, neighbours only ever add time.

Those answers repeat a few dozen sentences, so after the first few every word and every word
n-gram is one the scorer has met and remembered. Real answers repeat common words but rarely
their word sequences, so the "unseen text" rows score answers made of text the scorer has never
met: sentences of the structure corpus and the bank's calibration answers, shuffled, cut into
300-word answers. The scorer first works through half of them (as it would through the start of
a batch, meeting most of the language's common words), then the other half is timed, once each.

The last rows run `prodready score-batch`'s own loop (JSON lines in and out, full evidence) over
twenty bank questions: with answers built from each question's model answer (warmed up, best
round), and as one run over every unseen-text answer for each of the twenty questions (3,180
lines, start-up included, once).

Machines differ: the first line times a plain Python loop, so that figures from two machines can be
compared (the scorer is mostly Python; the rapidfuzz baseline is C++ and scales differently).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rubrics import Scorer, ScoringContext  # noqa: E402
from rubrics.examples import EXAMPLE_MODEL_ANSWER, EXAMPLE_PROMPT, example_rubric  # noqa: E402

# CPU time of this process: on a shared machine, wall time measures the neighbours' load.
CLOCK = time.process_time

FILLER = (
    "We would keep the service simple to operate. The team reviews the dashboards every week. "
    "Latency matters because the checkout page waits for the score. Costs are tracked per model. "
)


def make_answer(words: int, seed: int, source: str = EXAMPLE_MODEL_ANSWER) -> str:
    rng = random.Random(seed)
    sentences = [s.strip() + "." for s in (source + " " + FILLER).split(".") if s.strip()]
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(rng.choice(sentences))
    text = " ".join(out).split()
    return " ".join(text[:words])


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q))


def latencies(run: Callable[[str], object], answers: list[str], rounds: int) -> tuple[float, float]:
    """Best round's p50 and p95, in ms."""
    best = (float("inf"), float("inf"))
    for _ in range(rounds):
        timings = []
        for answer in answers:
            started = CLOCK()
            run(answer)
            timings.append(CLOCK() - started)
        best = min(best[0], percentile(timings, 50)), min(best[1], percentile(timings, 95))
    return best


def throughput(run: Callable[[], int], rounds: int) -> float:
    """Best round's answers per second; `run` returns how many answers it scored."""
    best = 0.0
    for _ in range(rounds):
        started = CLOCK()
        count = run()
        best = max(best, count / (CLOCK() - started))
    return best


def best_seconds(run: Callable[[], object], rounds: int) -> float:
    """Best round's CPU seconds for one call of `run`."""
    best = float("inf")
    for _ in range(rounds):
        started = CLOCK()
        run()
        best = min(best, CLOCK() - started)
    return best


def _python_loop() -> None:
    total = 0
    for step in range(10_000_000):
        total += step


def machine_reference(rounds: int) -> float:
    """Seconds for a plain CPython loop of ten million additions (best round): how fast this machine
    runs Python, to compare figures measured on different machines."""
    return best_seconds(_python_loop, rounds)


def unseen_answers(catalog, words: int = 300) -> list[str]:
    """Answers cut from text no benchmark answer repeats: the structure corpus and the bank's
    calibration answers, as sentences in a fixed shuffled order."""
    from rubrics.structure_model import load_corpus

    sentences = [text for text, _ in load_corpus()]
    for question in catalog.questions():
        for calibration in question.calibration:
            sentences.extend(re.split(r"(?<=[.!?])\s+", calibration.answer.strip()))
    random.Random(7).shuffle(sentences)
    answers, current = [], []
    for sentence in sentences:
        current.extend(sentence.split())
        if len(current) >= words:
            answers.append(" ".join(current[:words]))
            current = []
    return answers


def bank_batch(catalog, count: int) -> list[str]:
    questions = catalog.questions()[:20]
    return [json.dumps({"question_id": q.id, "answer": make_answer(300, i, q.model_answer)})
            for i in range(count) for q in [questions[i % len(questions)]]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200, help="answers per length (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per measurement; the best counts")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rubric = example_rubric()
    context = ScoringContext(prompt=EXAMPLE_PROMPT, model_answer=EXAMPLE_MODEL_ANSWER)
    scorer = Scorer([EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER])
    scorer.score(rubric, make_answer(100, 0), context=context)  # warm-up: classifier, compiled rubric

    print(f"machine reference: a CPython loop of 10 million additions takes {machine_reference(args.rounds):.2f} s\n")
    print(f"{'answer':<12} {'method':<28} {'p50 ms':>8} {'p95 ms':>8}")
    for words in (50, 300, 1000):
        answers = [make_answer(words, seed) for seed in range(args.repeats)]
        for name, run in (
            ("prodready scorer", lambda a: scorer.score(rubric, a, context=context)),
            ("rapidfuzz token_set_ratio", lambda a: fuzz.token_set_ratio(a, EXAMPLE_MODEL_ANSWER)),
        ):
            p50, p95 = latencies(run, answers, args.rounds)
            print(f"{words:>5} words  {name:<28} {p50:>8.2f} {p95:>8.2f}")

    def score_all(batch: list[str]) -> Callable[[], int]:
        def run() -> int:
            for answer in batch:
                scorer.score(rubric, answer, context=context)
            return len(batch)
        return run

    mixed = [make_answer(words, seed) for seed in range(300) for words in (50, 300, 1000)]
    batch300 = [make_answer(300, seed) for seed in range(600)]
    baseline = throughput(lambda: sum(1 for a in batch300 if fuzz.token_set_ratio(a, EXAMPLE_MODEL_ANSWER) >= 0),
                          args.rounds)
    print(f"\n{'batch':<44} {'answers/s':>10}")
    print(f"{'scorer, mixed 50/300/1,000 words':<44} {throughput(score_all(mixed), args.rounds):>10.0f}")
    print(f"{'scorer, 300 words':<44} {throughput(score_all(batch300), args.rounds):>10.0f}")
    from practice.cli import _catalog, score_batch

    catalog = _catalog()
    unseen = unseen_answers(catalog)
    warm, timed = unseen[: len(unseen) // 2], unseen[len(unseen) // 2:]
    score_all(warm)()
    # One round only: a second would meet text already seen.
    print(f"{f'scorer, 300 words, unseen text ({len(timed)})':<44} {throughput(score_all(timed), 1):>10.0f}")
    print(f"{'rapidfuzz token_set_ratio, 300 words':<44} {baseline:>10.0f}")

    def cli_batch(lines: list[str]) -> Callable[[], int]:
        def run() -> int:
            scored, failed = score_batch(iter(lines), io.StringIO(), catalog)
            assert failed == 0
            return scored
        return run

    synthetic = cli_batch(bank_batch(catalog, 600))
    synthetic()  # warm-up: the bank's scorer, its compiled rubrics
    print(f"{'score-batch loop, 20 bank questions, 300 words':<44} {throughput(synthetic, args.rounds):>10.0f}")
    # The same loop over unseen text, as one run of the command: every unseen answer once for each of
    # the twenty questions, start-up (compiling the rubrics, the first meeting with every word) included.
    unseen_lines = [json.dumps({"question_id": q.id, "answer": answer})
                    for q in catalog.questions()[:20] for answer in unseen]
    print(f"{f'score-batch run, unseen text ({len(unseen_lines):,} lines)':<44} "
          f"{throughput(cli_batch(unseen_lines), 1):>10.0f}")

    start_up(args.rounds)


def start_up(rounds: int) -> None:
    """What a process pays before its first score: loading the structure classifier's shipped weights,
    against training it on the corpus (what every process did before they shipped)."""
    from rubrics.structure_model import default_model, load_corpus, train

    print(f"\n{'start-up, structure classifier':<44} {'seconds':>10}")
    # default_model's own code, without its per-process cache
    for name, run in (("load the shipped weights", default_model.__wrapped__),
                      ("train on the corpus", lambda: train(load_corpus()))):
        print(f"{name:<44} {best_seconds(run, rounds):>10.3f}")


if __name__ == "__main__":
    main()
