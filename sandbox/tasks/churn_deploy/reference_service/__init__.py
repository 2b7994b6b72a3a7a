"""The platform's own implementation of the churn service: the latency baseline and the test oracle."""

from sandbox.tasks.churn_deploy.reference_service.app import create_app
from sandbox.tasks.churn_deploy.reference_service.service import ChurnService

__all__ = ["ChurnService", "create_app"]
