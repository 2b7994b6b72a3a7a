"""Scorer speed on one core: per-answer latency for 50-, 300- and 1,000-word answers, and batch
throughput, beside a rapidfuzz token_set_ratio baseline timed on the same answers.

    .venv/bin/python benchmarks/scorer_speed.py [--repeats N]

Answers are built from the example rubric's own sentences (deterministic), so every signal
has real work to do. The structure classifier and the rubric are warmed up first: they are
fitted or compiled once per process. Times are CPU time of the process pinned to one core.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
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


def make_answer(words: int, seed: int) -> str:
    rng = random.Random(seed)
    sentences = [s.strip() + "." for s in (EXAMPLE_MODEL_ANSWER + " " + FILLER).split(".") if s.strip()]
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(rng.choice(sentences))
    text = " ".join(out).split()
    return " ".join(text[:words])


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rubric = example_rubric()
    context = ScoringContext(prompt=EXAMPLE_PROMPT, model_answer=EXAMPLE_MODEL_ANSWER)
    scorer = Scorer([EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER])
    scorer.score(rubric, make_answer(100, 0), context=context)  # warm-up: classifier, compiled rubric

    print(f"{'answer':<12} {'method':<28} {'p50 ms':>8} {'p95 ms':>8}")
    for words in (50, 300, 1000):
        answers = [make_answer(words, seed) for seed in range(args.repeats)]
        for name, run in (
            ("prodready scorer", lambda a: scorer.score(rubric, a, context=context)),
            ("rapidfuzz token_set_ratio", lambda a: fuzz.token_set_ratio(a, EXAMPLE_MODEL_ANSWER)),
        ):
            timings = []
            for answer in answers:
                started = CLOCK()
                run(answer)
                timings.append(CLOCK() - started)
            p50, p95 = percentile(timings, 50), percentile(timings, 95)
            print(f"{words:>5} words  {name:<28} {p50:>8.2f} {p95:>8.2f}")

    batch = [make_answer(words, seed) for seed in range(300) for words in (50, 300, 1000)]
    started = CLOCK()
    for answer in batch:
        scorer.score(rubric, answer, context=context)
    elapsed = CLOCK() - started
    print(f"\nbatch: {len(batch)} answers (mixed 50/300/1,000 words) in {elapsed:.2f} s = "
          f"{len(batch) / elapsed:.0f} answers/s on one core")
    batch300 = [make_answer(300, seed) for seed in range(600)]
    started = CLOCK()
    for answer in batch300:
        scorer.score(rubric, answer, context=context)
    elapsed = CLOCK() - started
    print(f"batch: {len(batch300)} answers of 300 words in {elapsed:.2f} s = "
          f"{len(batch300) / elapsed:.0f} answers/s")


if __name__ == "__main__":
    main()
