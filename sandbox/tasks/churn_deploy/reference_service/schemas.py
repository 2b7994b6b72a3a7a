"""Request parsing and validation: everything a client sends is checked before the model sees it."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox.tasks.churn_deploy.contract import MAX_BATCH_ROWS

MAX_BODY_BYTES = 2_000_000


class InvalidInput(Exception):
    def __init__(self, status: int, detail: str | list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Customer(BaseModel):
    # strict: "12" is not a number and 1.5 is not a month count; extra fields are mistakes.
    model_config = ConfigDict(extra="forbid", strict=True)

    tenure_months: int = Field(ge=0, le=72)
    monthly_charges: float = Field(ge=0, le=500, allow_inf_nan=False)
    total_charges: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    support_calls: int = Field(ge=0, le=50)
    contract: Literal["month-to-month", "one-year", "two-year"]
    payment_method: Literal["electronic-check", "mailed-check", "bank-transfer", "credit-card"]
    internet_service: Literal["dsl", "fiber", "none"]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; send a finite number")


def _problems(exc: ValidationError, prefix: str = "") -> list[dict[str, Any]]:
    return [
        {"field": prefix + ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def parse_payload(body: bytes) -> tuple[list[dict[str, Any]], bool]:
    """(validated rows, whether it was a batch) or InvalidInput with a message a person can act on."""
    if len(body) > MAX_BODY_BYTES:
        raise InvalidInput(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    if not body.strip():
        raise InvalidInput(400, "the body is empty; send a JSON object")
    try:
        payload = json.loads(body, parse_constant=_reject_constant)
    except ValueError as exc:
        raise InvalidInput(400, f"the body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise InvalidInput(422, 'send a JSON object: one customer, or {"instances": [customers]}')
    if "instances" not in payload:
        try:
            return [Customer.model_validate(payload).model_dump()], False
        except ValidationError as exc:
            raise InvalidInput(422, _problems(exc)) from exc
    instances = payload["instances"]
    if set(payload) != {"instances"} or not isinstance(instances, list):
        raise InvalidInput(422, 'a batch is {"instances": [customers]} with nothing else')
    if not instances:
        raise InvalidInput(422, "the batch is empty")
    if len(instances) > MAX_BATCH_ROWS:
        raise InvalidInput(413, f"at most {MAX_BATCH_ROWS} instances per batch, got {len(instances)}")
    rows, problems = [], []
    for index, item in enumerate(instances):
        try:
            rows.append(Customer.model_validate(item).model_dump())
        except ValidationError as exc:
            problems.extend(_problems(exc, prefix=f"instances.{index}."))
    if problems:
        raise InvalidInput(422, problems)
    return rows, True
