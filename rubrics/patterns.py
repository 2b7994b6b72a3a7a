"""Regular expressions for specific, checkable statements: numbers, units, metrics, thresholds, tools."""

from __future__ import annotations

import re

_NUM = r"\d[\d,]*(?:\.\d+)?"

# A look-ahead on the possible first characters lets the engine skip most positions at once.
MONEY = re.compile(
    rf"(?=[$€£\d])(?:[$€£]\s?{_NUM}\s?(?:k|m|bn|million|billion|thousand)?\b"
    rf"|\b{_NUM}\s?(?:k|m|bn)?\s?(?:usd|eur|gbp|dollars|euros|pounds)\b)",
    re.IGNORECASE,
)
PERCENTAGE = re.compile(
    rf"\b{_NUM}\s?(?:%|percent\b|pp\b|percentage points?\b|points?\b|bps\b)", re.IGNORECASE,
)
DURATION = re.compile(
    rf"\b{_NUM}\s?(?:ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|"
    r"quarters?|years?)\b",
    re.IGNORECASE,
)
# Cadences without a number ("nightly", "every week") are found word by word over tokens.
CADENCE_WORDS = frozenset({"daily", "nightly", "weekly", "monthly", "hourly", "quarterly"})
CADENCE_LEADS = frozenset({"every", "each", "per"})
CADENCE_UNITS = frozenset({"day", "night", "week", "month", "quarter", "hour", "sprint"})
# Numbers, money and thresholds are only looked for near a run of digits or a currency sign.
NUMERIC_ANCHOR = re.compile(r"(?=[\d$€£])(?:\d+|[$€£])")  # the look-ahead lets the engine skip ahead
NUMBER_UNIT = re.compile(
    rf"\b{_NUM}\s?(?:x|k|m|gb|mb|tb|rps|qps|req/s|requests?|users?|rows|records|features|cores|cpus?|gpus?|"
    r"instances|replicas|pods|nodes|samples|predictions|transactions|customers|orders|labels|events)\b",
    re.IGNORECASE,
)
THRESHOLD = re.compile(
    rf"(?=[abcdeflmopuw<>≤≥])(?:\b(?:above|below|over|under|at least|at most|more than|less than|fewer than|"
    rf"exceeds?|exceeding|crosses|passes|within|up to|drops? (?:by|below)|beyond)\s|[<>≤≥]=?\s?)[$€£]?{_NUM}",
    re.IGNORECASE,
)
# Metric and tool names are looked up word by word over the answer's tokens (see `terms.py`):
# a regex alternation of a hundred names is slow to scan.
METRIC_TERMS: tuple[str, ...] = (
    "p50", "p90", "p95", "p99", "p999", "auc", "roc", "pr auc", "auc pr", "f1", "f1 score", "precision",
    "recall", "rmse", "mae", "mape", "smape", "psi", "ks", "kl divergence", "log loss", "logloss", "ndcg",
    "brier", "calibration", "error rate", "5xx", "4xx", "slo", "sla", "throughput", "ctr",
    "click through rate", "conversion rate", "churn rate", "false positive rate", "false negative rate",
    "fpr", "tpr", "r2", "mse", "wasserstein", "chi squared", "js divergence",
)
TOOL_TERMS: tuple[str, ...] = (
    "mlflow", "kubeflow", "kubeflow pipelines", "airflow", "seldon", "seldon core", "evidently",
    "evidently ai", "sagemaker", "vertex ai", "azure ml", "azure machine learning", "prometheus", "grafana",
    "kubernetes", "k8s", "docker", "fastapi", "flask", "feast", "bentoml", "kserve", "torchserve", "triton",
    "ray serve", "ray", "spark", "kafka", "dbt", "great expectations", "whylogs", "datadog", "argo",
    "argo workflows", "dagster", "prefect", "terraform", "redis", "bigquery", "snowflake", "databricks",
    "weights biases", "wandb", "dvc", "onnx", "tensorrt", "celery", "nginx", "istio", "envoy",
    "alibi detect", "arize", "fiddler",
)


def _words(alternatives: str) -> re.Pattern[str]:
    """Whole words or phrases, case-insensitive. The look-ahead on the possible first letters lets
    the regex engine skip most positions at once; a bare alternation is tried at every character."""
    firsts = "".join(sorted({alternative[0] for alternative in alternatives.split("|")}))
    return re.compile(rf"(?=[{firsts}])\b(?:{alternatives})\b", re.IGNORECASE)


VAGUE = _words(
    r"improv\w*|better|faster|slower|reduc\w*|increas\w*|optimi[sz]\w*|significant\w*|scalab\w*|"
    r"robust\w*|efficient\w*|a lot|lots of|huge|greatly|much more|much less|boost\w*|enhanc\w*"
)
MECHANISM = _words(r"by|because|using|via|through|so that|since|which|thanks to|due to|with a|with an")

# Where each pattern's matches can begin: "digit" (a digit that starts a word, `\b\d`), "currency"
# (a sign), both, or None when they can begin elsewhere too. Trying a pattern only at those offsets
# is much faster than scanning every character.
MATCH_STARTS: dict[str, frozenset[str] | None] = {
    "threshold": None,  # begins with a word such as "above"
    "money": frozenset({"digit", "currency"}),
    "percentage": frozenset({"digit"}),
    "duration": frozenset({"digit"}),
    "number": frozenset({"digit"}),
}
# Most specific first: when spans overlap, the earlier kind wins.
SPECIFICITY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("threshold", THRESHOLD),
    ("money", MONEY),
    ("percentage", PERCENTAGE),
    ("duration", DURATION),
    ("number", NUMBER_UNIT),
)
MEASURABLE = re.compile(rf"{MONEY.pattern}|{PERCENTAGE.pattern}|{DURATION.pattern}|\b{_NUM}\b", re.IGNORECASE)
