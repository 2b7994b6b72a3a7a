"""The churn model: a scikit-learn Pipeline trained at kit-build time, saved with skops.

Training is deterministic (fixed data seed, a deterministic solver), and the skops archive is
rewritten with fixed zip timestamps, so the same library versions give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from functools import lru_cache

import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sandbox.tasks.churn_deploy.data import FEATURES, TARGET, TRAIN_SEED, generate

TRAIN_ROWS = 5000
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# skops names objects and array files after id(), which changes from one process to the next.
_OBJECT_ID = re.compile(r'("__id__": )(\d+)|"(\d+)\.npy"')


def build_pipeline() -> Pipeline:
    numeric = [f.name for f in FEATURES if f.kind == "numeric"]
    categorical = [f.name for f in FEATURES if f.kind == "categorical"]
    categories = [list(f.categories) for f in FEATURES if f.kind == "categorical"]
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), numeric),
            # "error": an unknown category must never be scored silently as "none of the known ones";
            # the service validates categories first and answers 422.
            ("categorical", OneHotEncoder(categories=categories, handle_unknown="error"), categorical),
        ]
    )
    return Pipeline([("preprocess", preprocess), ("classifier", LogisticRegression(C=1.0, max_iter=1000))])


def train() -> Pipeline:
    frame = generate(TRAIN_ROWS, TRAIN_SEED)
    pipeline = build_pipeline()
    pipeline.fit(frame.drop(columns=[TARGET]), frame[TARGET])
    return pipeline


def _normalise_zip(data: bytes) -> bytes:
    """The same archive with object ids renumbered in order of appearance and fixed timestamps."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {info.filename: src.read(info.filename) for info in src.infolist()}
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        old = match.group(2) or match.group(3)
        new = numbers.setdefault(old, str(len(numbers) + 1))
        return f"{match.group(1)}{new}" if match.group(1) else f'"{new}.npy"'

    schema = _OBJECT_ID.sub(renumber, members.pop("schema.json").decode())
    renamed = {f"{numbers[name.removesuffix('.npy')]}.npy": content for name, content in members.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, content in [("schema.json", schema.encode()), *sorted(renamed.items())]:
            fixed = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


@lru_cache(maxsize=1)
def model_bytes() -> bytes:
    return _normalise_zip(sio.dumps(train()))


def model_sha256() -> str:
    return hashlib.sha256(model_bytes()).hexdigest()


def load_model(data: bytes) -> Pipeline:
    """Load a skops archive, trusting only the types that skops itself reports and we expect."""
    untrusted = sio.get_untrusted_types(data=data)
    unexpected = [t for t in untrusted if not t.startswith(("sklearn.", "numpy."))]
    if unexpected:
        raise ValueError(f"the model file contains unexpected types: {unexpected}")
    return sio.loads(data, trusted=untrusted)


@lru_cache(maxsize=1)
def reference_model() -> Pipeline:
    return load_model(model_bytes())
