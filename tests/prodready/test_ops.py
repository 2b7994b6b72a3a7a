"""Liveness, readiness, metrics, docs and the shape of errors."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import assert_problem


class TestHealth:
    def test_healthz_says_alive(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    def test_readyz_reports_database_and_schema(self, client, backend):
        response = client.get("/readyz")
        assert response.status_code == 200, response.text
        checks = response.json()["checks"]
        assert checks["database"]["ok"] and backend in checks["database"]["detail"]
        assert checks["schema"]["ok"]

    def test_readyz_is_503_when_a_check_fails(self, live, client):
        live.app.state.readiness["broken"] = lambda: (False, "content not loaded")
        try:
            response = client.get("/readyz")
        finally:
            del live.app.state.readiness["broken"]
        assert response.status_code == 503
        assert response.json()["checks"]["broken"] == {"ok": False, "detail": "content not loaded"}


class TestMetrics:
    def test_requests_are_counted_by_route_template_and_status(self, client):
        client.get("/healthz")
        client.get("/api/v1/orgs/some-org")  # 401, templated route
        text = client.get("/metrics").text
        samples = {
            (s.labels.get("route"), s.labels.get("status")): s.value
            for family in text_string_to_metric_families(text)
            if family.name == "prodready_http_requests"
            for s in family.samples
            if s.name == "prodready_http_requests_total"
        }
        assert samples[("/healthz", "200")] >= 1
        assert samples[("/api/v1/orgs/{org}", "401")] >= 1
        assert "prodready_http_request_duration_seconds_bucket" in text


class TestRequestId:
    def test_a_request_id_is_echoed(self, client):
        response = client.get("/healthz", headers={"X-Request-ID": "abc12345-request"})
        assert response.headers["x-request-id"] == "abc12345-request"

    def test_an_unsafe_request_id_is_replaced(self, client):
        response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
        assert response.headers["x-request-id"] != "<script>"
        assert len(response.headers["x-request-id"]) == 32


class TestErrors:
    def test_unknown_api_resource_is_a_404_problem(self, client):
        body = assert_problem(client.get("/api/v1/no-such-thing"), 404, "not-found")
        assert body["instance"] == "/api/v1/no-such-thing"

    def test_wrong_method_is_a_405_problem(self, client):
        assert_problem(client.delete("/healthz"), 405, "method-not-allowed")

    def test_invalid_json_body_is_a_422_problem_with_locations(self, client):
        response = client.post("/api/v1/auth/login", json={"email": "not-an-email"})
        body = assert_problem(response, 422, "validation-error")
        locations = {tuple(e["location"]) for e in body["errors"]}
        assert ("body", "email") in locations and ("body", "password") in locations

    def test_problem_types_resolve(self, client):
        response = client.get("/problems/rate-limited")
        assert response.json() == {"type": "/problems/rate-limited", "title": "Too many requests", "status": 429}

    def test_oversized_body_is_a_413_problem(self, client, session_settings):
        payload = b"{" + b" " * (session_settings.max_body_bytes + 10) + b"}"
        response = client.post("/api/v1/auth/login", content=payload, headers={"content-type": "application/json"})
        body = assert_problem(response, 413, "payload-too-large")
        assert body["limit_bytes"] == session_settings.max_body_bytes

    def test_oversized_chunked_body_is_a_413_problem(self, client, session_settings):
        def chunks():
            for _ in range(session_settings.max_body_bytes // 65536 + 2):
                yield b"x" * 65536

        response = client.post("/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"})
        assert_problem(response, 413, "payload-too-large")

    def test_unexpected_errors_are_a_500_problem_with_the_request_id(self, live, client):
        @live.app.get("/api/v1/boom-for-test")
        def boom() -> None:
            raise RuntimeError("secret internals")

        try:
            response = client.get("/api/v1/boom-for-test")
        finally:
            live.app.router.routes.pop()
        body = assert_problem(response, 500, "internal-error")
        assert "secret internals" not in response.text
        assert body["request_id"] == response.headers["x-request-id"]


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/login" in spec["paths"]
