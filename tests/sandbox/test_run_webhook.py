"""An organisation hears about its finished sandbox runs through its webhooks."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from credentials import webhooks
from credentials.models import WebhookDelivery
from prodready.accounts.scope import member_scope
from sandbox.jobs import leases
from sandbox.models import RunStatus, SandboxRun
from tests.conftest import TEST_SECRET
from tests.factories import make_org, make_user
from tests.sandbox.conftest_jobs import queue_url_run


def test_a_finished_organisation_run_queues_sandbox_run_finished(db):
    owner = make_user(db)
    org = make_org(db, owner=owner)
    with db.unit_of_work() as session:
        webhooks.create_endpoint(member_scope(session, owner, org.id), url="https://93.184.215.14/p",
                                 event_types=["sandbox_run.finished"], signing_key=TEST_SECRET, allow_private=False)
    run = queue_url_run(db, user_id=owner.id)
    with db.unit_of_work() as session:
        session.execute(update(SandboxRun).where(SandboxRun.id == run.id)
                        .values(org_id=org.id, status=RunStatus.RUNNING, worker_id="w1"))
    assert leases.finish(db, run.id, "w1", {"status": RunStatus.SUCCEEDED, "score": 91.5})
    # A late report from a worker that lost the lease queues nothing more.
    assert not leases.finish(db, run.id, "w2", {"status": RunStatus.FAILED})
    with db.unit_of_work(write=False) as session:
        rows = session.exec(select(WebhookDelivery).where(WebhookDelivery.org_id == org.id)).all()
    assert [(r.event_type, r.payload["run_id"], r.payload["score"]) for r in rows] == [
        ("sandbox_run.finished", run.id, 91.5)]
