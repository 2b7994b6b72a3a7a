"""The reference service's input handling, in process (the probe tests cover it over HTTP)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.kit import write_kit
from sandbox.tasks import get_task
from sandbox.tasks.churn_deploy.reference_service import ChurnService, create_app


class AppClient:
    """Synchronous calls into the app in process (no server, no lifespan needed)."""

    def __init__(self, app: Any) -> None:
        self.transport = httpx.ASGITransport(app=app)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://app") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(call())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> AppClient:
    kit = tmp_path_factory.mktemp("kit") / "churn"
    write_kit("churn-deploy", kit)
    return AppClient(create_app(ChurnService.from_kit(kit)))


@pytest.fixture
def row() -> dict:
    return get_task("churn-deploy").valid_row()


def test_nan_literal_is_rejected_with_a_message(client: AppClient, row: dict) -> None:
    body = '{"tenure_months": NaN' + str(row)[str(row).index(",") :].replace("'", '"')
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "NaN" in response.json()["detail"]


def test_unknown_category_gets_422_naming_the_field(client: AppClient, row: dict) -> None:
    response = client.post("/predict", json={**row, "contract": "lifetime"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "contract"


def test_numeric_strings_are_not_numbers(client: AppClient, row: dict) -> None:
    assert client.post("/predict", json={**row, "tenure_months": "12"}).status_code == 422


def test_oversized_batch_gets_413(client: AppClient, row: dict) -> None:
    assert client.post("/predict", json={"instances": [row] * 1001}).status_code == 413


def test_a_bad_row_in_a_batch_is_located(client: AppClient, row: dict) -> None:
    response = client.post("/predict", json={"instances": [row, {**row, "support_calls": -1}]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "instances.1.support_calls"


def test_model_file_that_does_not_match_its_hash_is_refused(tmp_path: Path) -> None:
    write_kit("churn-deploy", tmp_path / "kit")
    model = tmp_path / "kit/model/churn_model.skops"
    model.write_bytes(model.read_bytes() + b"\0")
    with pytest.raises(RuntimeError, match="sha256"):
        ChurnService.from_kit(tmp_path / "kit")


def test_small_windows_report_no_drift(client: AppClient, row: dict) -> None:
    client.post("/drift/reset")
    client.post("/predict", json=row)
    report = client.get("/drift").json()
    assert report["window_size"] == 1 and report["dataset_drift"] is False
    assert all(f["statistic"] is None and not f["drifted"] for f in report["features"].values())
