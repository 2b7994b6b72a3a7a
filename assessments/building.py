"""Building assessments from the bank: questions, options, templates, publishing.

Publishing pins each question's current version; from then on the questions
cannot change, so every candidate answers, and is scored against, the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from assessments.models import Assessment, AssessmentItem
from prodready.accounts.models import Role
from prodready.accounts.scope import OrgScope
from prodready.db import utcnow
from prodready.errors import Conflict, InvalidInput
from question_bank.catalog import Catalog
from sandbox.tasks import task_ids

MAX_QUESTIONS = 20


@dataclass(frozen=True)
class AssessmentSpec:
    title: str
    question_ids: list[str]
    time_limit_minutes: int = 60
    due_at: datetime | None = None
    blind_review: bool = False
    sandbox_task: str | None = None
    is_template: bool = False
    role_title: str = ""


def _check(spec: AssessmentSpec, catalog: Catalog) -> None:
    if not spec.title.strip():
        raise InvalidInput("Give the assessment a title.")
    if not spec.question_ids and not spec.sandbox_task:
        raise InvalidInput("Pick at least one question or the sandbox task.")
    if len(spec.question_ids) > MAX_QUESTIONS:
        raise InvalidInput(f"An assessment has at most {MAX_QUESTIONS} questions.")
    if len(set(spec.question_ids)) != len(spec.question_ids):
        raise InvalidInput("A question is picked twice.")
    for question_id in spec.question_ids:
        catalog.require(question_id)
    if spec.sandbox_task is not None and spec.sandbox_task not in task_ids():
        raise InvalidInput(f"Unknown sandbox task '{spec.sandbox_task}'.")
    if spec.due_at is not None and spec.due_at.tzinfo is None:
        raise InvalidInput("Give the due date with a time zone (for example 2027-01-31T17:00:00Z).")


def create_assessment(scope: OrgScope, catalog: Catalog, spec: AssessmentSpec) -> Assessment:
    scope.require(Role.INTERVIEWER)
    _check(spec, catalog)
    assessment = scope.add(Assessment(
        org_id=scope.org.id, title=spec.title.strip(), role_title=spec.role_title.strip(),
        is_template=spec.is_template, time_limit_minutes=spec.time_limit_minutes, due_at=spec.due_at,
        blind_review=spec.blind_review, sandbox_task=spec.sandbox_task,
        created_by=scope.user.id if scope.user else None,
    ))
    for position, question_id in enumerate(spec.question_ids):
        scope.add(AssessmentItem(org_id=scope.org.id, assessment_id=assessment.id, position=position,
                                 question_id=question_id))
    return assessment


def items_of(scope: OrgScope, assessment_id: str) -> list[AssessmentItem]:
    return list(scope.session.exec(
        scope.select(AssessmentItem).where(AssessmentItem.assessment_id == assessment_id)
        .order_by(AssessmentItem.position)  # type: ignore[arg-type]
    ).all())


def list_assessments(scope: OrgScope, *, templates: bool | None = None) -> list[Assessment]:
    scope.require(Role.INTERVIEWER)
    statement = scope.select(Assessment)
    if templates is not None:
        statement = statement.where(Assessment.is_template == templates)
    return list(scope.session.exec(statement.order_by(Assessment.created_at.desc())).all())  # type: ignore[attr-defined]


def get_assessment(scope: OrgScope, assessment_id: str) -> Assessment:
    scope.require(Role.INTERVIEWER)
    return scope.get(Assessment, assessment_id)


def publish(scope: OrgScope, catalog: Catalog, assessment_id: str, *, now: datetime | None = None) -> Assessment:
    """Pin each question's current version and open the assessment for invitations. Idempotent."""
    assessment = get_assessment(scope, assessment_id)
    if assessment.is_template:
        raise Conflict("A template is not taken; create an assessment from it, then publish that.")
    if assessment.published_at is not None:
        return assessment
    for item in items_of(scope, assessment.id):
        item.question_version_id = catalog.require(item.question_id).version_id
        scope.session.add(item)
    assessment.published_at = now or utcnow()
    scope.session.add(assessment)
    scope.session.flush()
    return assessment


def clone(scope: OrgScope, catalog: Catalog, source_id: str, *, title: str | None = None,
          as_template: bool = False, due_at: datetime | None = None) -> Assessment:
    """A new, unpublished assessment (or template) with the source's questions and options."""
    source = get_assessment(scope, source_id)
    question_ids = [item.question_id for item in items_of(scope, source.id) if catalog.get(item.question_id)]
    return create_assessment(scope, catalog, AssessmentSpec(
        title=title or source.title, question_ids=question_ids, time_limit_minutes=source.time_limit_minutes,
        due_at=due_at, blind_review=source.blind_review, sandbox_task=source.sandbox_task,
        is_template=as_template, role_title=source.role_title,
    ))


def release_results(scope: OrgScope, assessment_id: str, *, now: datetime | None = None) -> Assessment:
    assessment = get_assessment(scope, assessment_id)
    if assessment.results_released_at is None:
        assessment.results_released_at = now or utcnow()
        scope.session.add(assessment)
        scope.session.flush()
    return assessment


def assessment_of_item(scope: OrgScope, item_id: str) -> tuple[Assessment, AssessmentItem]:
    item = scope.get(AssessmentItem, item_id)
    return scope.session.exec(select(Assessment).where(Assessment.id == item.assessment_id)).one(), item
