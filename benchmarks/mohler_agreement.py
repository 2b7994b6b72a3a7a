"""Agreement with human graders on the Mohler et al. (2011) short-answer data.

Reads ../shared/benchmarks/asag/mohler2011.jsonl (not shipped with prodready). Everything
that is fitted - the TF-IDF vocabulary and the linear map from score to the 0-5 scale - is
fitted on the `train` split only; `test` holds unseen questions.

    .venv/bin/python benchmarks/mohler_agreement.py [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from scipy.stats import pearsonr, spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rubrics.reference import ReferenceScorer  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "asag" / "mohler2011.jsonl"


def load(path: Path) -> tuple[list[dict], list[dict]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] == "train"], [r for r in rows if r["split"] == "test"]


def train_corpus(train: list[dict]) -> list[str]:
    questions = {(r["question"], r["reference_answer"]) for r in train}
    return [text for pair in sorted(questions) for text in pair] + [r["answer"] for r in train]


def reference_mode(train: list[dict], test: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    scorer = ReferenceScorer(train_corpus(train))

    def run(rows: list[dict]) -> np.ndarray:
        return np.array([scorer.score(r["question"], r["reference_answer"], r["answer"]).score for r in rows])

    return run(train), run(test)


def tfidf_cosine(train: list[dict], test: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    vectorizer = TfidfVectorizer(sublinear_tf=True).fit(train_corpus(train))

    def run(rows: list[dict]) -> np.ndarray:
        answers = vectorizer.transform([r["answer"] for r in rows])
        references = vectorizer.transform([r["reference_answer"] for r in rows])
        return np.asarray(answers.multiply(references).sum(axis=1)).ravel()

    return run(train), run(test)


def token_set(train: list[dict], test: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    def run(rows: list[dict]) -> np.ndarray:
        pairs = [(r["answer"].lower(), r["reference_answer"].lower()) for r in rows]
        return np.array([fuzz.token_set_ratio(answer, reference) for answer, reference in pairs])

    return run(train), run(test)


def agreement(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray) -> dict:
    slope, intercept = np.polyfit(train_x, train_y, 1)  # the linear map, fitted on train only
    mapped = np.clip(slope * test_x + intercept, 0.0, 5.0)
    return {
        "pearson": pearsonr(test_x, test_y).statistic,
        "spearman": spearmanr(test_x, test_y).statistic,
        "rmse": float(np.sqrt(np.mean((mapped - test_y) ** 2))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    train, test = load(args.data)
    train_y = np.array([r["score"] for r in train])
    test_y = np.array([r["score"] for r in test])
    print(f"Mohler 2011: {len(train)} train answers, {len(test)} test answers (unseen questions)\n")
    print(f"{'method':<40} {'pearson r':>10} {'spearman':>10} {'rmse':>8} {'seconds':>8}")
    methods = [("prodready reference mode", reference_mode), ("TF-IDF cosine to reference", tfidf_cosine),
               ("rapidfuzz token_set_ratio", token_set)]
    for name, method in methods:
        started = time.perf_counter()
        train_x, test_x = method(train, test)
        elapsed = time.perf_counter() - started
        result = agreement(train_x, train_y, test_x, test_y)
        print(f"{name:<40} {result['pearson']:>10.3f} {result['spearman']:>10.3f} {result['rmse']:>8.3f} "
              f"{elapsed:>8.1f}")
    human = np.array([r["grader1_score"] for r in test]), np.array([r["grader2_score"] for r in test])
    print(f"{'human grader 1 vs grader 2':<40} {pearsonr(*human).statistic:>10.3f} "
          f"{spearmanr(*human).statistic:>10.3f} {'':>8} {'':>8}")


if __name__ == "__main__":
    main()
