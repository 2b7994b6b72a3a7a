"""A small worked example rubric, used by the benchmarks and documentation.

It mirrors the shape of a bank question without depending on the bank.
"""

from __future__ import annotations

from rubrics.schema import Rubric

EXAMPLE_PROMPT = (
    "You have a model that performs well offline. How do you take it to production, "
    "and how do you keep it healthy once it is there?"
)

EXAMPLE_MODEL_ANSWER = (
    "Deployment strategy. I package the model with its preprocessing as one versioned artifact in the "
    "model registry and serve it from a Docker container behind a REST endpoint. I run it in shadow mode "
    "first, then a canary release with 5% of traffic, widening only while p99 latency stays under 150 ms "
    "and the error rate under 0.1%. The previous version stays deployed so rollback takes seconds.\n\n"
    "Monitoring plan. I track latency and error rate in Prometheus with Grafana alerts, data drift per "
    "feature with PSI against the training data, alerting above 0.2, and the prediction distribution "
    "until delayed labels arrive; then I compute AUC on live data to catch concept drift.\n\n"
    "Retraining protocol. An Airflow pipeline retrains every month and whenever PSI crosses its "
    "threshold, evaluates the challenger against the champion on the same recent holdout, and promotes "
    "it in the registry only if it wins."
)

_RUBRIC = {
    "structure": {"kind": "framework",
                  "name": "Deployment strategy -> Monitoring plan -> Retraining protocol",
                  "sections": ["deployment", "monitoring", "retraining"]},
    "criteria": [
        {"id": "deployment", "name": "Safe, reversible deployment", "weight": 0.4, "concepts": [
            {"term": "canary release", "synonyms": ["canary", "gradual rollout", "staged rollout"],
             "misspellings": ["cannary"]},
            {"term": "rollback", "synonyms": ["roll back", "revert to the previous model"]},
            {"term": "A/B test", "abbreviations": ["A/B"], "importance": "bonus"},
            {"term": "shadow deployment", "synonyms": ["shadow mode", "shadow traffic"],
             "importance": "bonus"},
        ]},
        {"id": "monitoring", "name": "Layered monitoring", "weight": 0.35, "concepts": [
            {"term": "data drift", "synonyms": ["feature drift", "covariate shift"],
             "abbreviations": ["PSI"]},
            {"term": "latency", "synonyms": ["p99", "response time", "error rate"]},
            {"term": "concept drift", "synonyms": ["delayed labels", "performance decay"]},
        ]},
        {"id": "retraining", "name": "Automated, gated retraining", "weight": 0.25, "concepts": [
            {"term": "retraining pipeline", "synonyms": ["airflow", "kubeflow pipelines", "orchestrator"]},
            {"term": "champion challenger", "synonyms": ["challenger", "against the champion"]},
            {"term": "model registry", "synonyms": ["registry", "versioned model"], "importance": "bonus"},
        ]},
    ],
    "pitfalls": [
        {"id": "accuracy-only", "description": "Talks only about accuracy and ignores latency or cost.",
         "penalty": 8, "if_any": ["accuracy"], "unless_any": ["latency", "cost", "error rate"]},
    ],
    "bands": {
        "1": "Deploy it and watch it.",
        "2": "An API and one monitoring idea.",
        "3": "The three parts at a high level, little mechanism.",
        "4": "A clear plan with some thresholds.",
        "5": "Staged rollout with rollback, layered monitoring with thresholds, gated automated retraining.",
    },
}


def example_rubric() -> Rubric:
    return Rubric.model_validate(_RUBRIC)
