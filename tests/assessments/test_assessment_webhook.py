"""An organisation hears about completed assessments through its webhooks, once per submission."""

from __future__ import annotations

from sqlmodel import select

from credentials import webhooks
from credentials.models import WebhookDelivery
from prodready.accounts.scope import member_scope
from tests.assessments.conftest import QUESTIONS, calibration_answer
from tests.conftest import TEST_SECRET


def test_a_submitted_sitting_queues_assessment_completed_once(db, team, clock):
    with db.unit_of_work() as session:
        webhooks.create_endpoint(member_scope(session, team.people["admin"], team.org.id),
                                 url="https://93.184.215.14/p", event_types=["assessment.completed"],
                                 signing_key=TEST_SECRET, allow_private=False)
    assessment = team.published()
    sitting_id = team.take(assessment["id"], "cand_1", [calibration_answer(QUESTIONS[0], 5)])
    assert team.submit(sitting_id).status_code == 200  # the same submission again
    with db.unit_of_work(write=False) as session:
        rows = session.exec(select(WebhookDelivery).where(WebhookDelivery.org_id == team.org.id)).all()
    assert [(r.event_type, r.payload["sitting_id"]) for r in rows] == [("assessment.completed", sitting_id)]
