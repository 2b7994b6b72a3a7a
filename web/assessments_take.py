"""Candidate pages: open an invitation, take the assessment, submit once.

Drafts are saved on the server (htmx every few seconds, and a beacon when the
page is left), so a reload or another device resumes where the candidate was.
The JSON twin is `/api/v1/orgs/{org}/sittings/{id}`, built by the same
`assessments.taking.candidate_sitting`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from assessments import hands_on, invitations, sittings, taking
from assessments.models import Assessment
from prodready.accounts.models import Organisation
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict
from web import htmx
from web.assessments import page_now
from web.bank import CatalogDep
from web.deps import FormDep, PagePrincipalDep, PageScopeDep, PageSessionDep, VisitorDep
from web.templating import render

router = APIRouter()

# Answers must not stay in shared caches or the back-forward cache.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@router.get("/invitations/{token}")
def invitation_page(token: str, request: Request, principal: VisitorDep, session: PageSessionDep) -> Response:
    """What the link is for; starting needs a deliberate click (mail scanners follow links)."""
    invitation = invitations.find_invitation(session, token[:128])
    assessment = session.get(Assessment, invitation.assessment_id)
    org = session.get(Organisation, invitation.org_id)
    problem = None
    if invitation.used_at is not None and (principal is None or invitation.used_by != principal.user.id):
        problem = "This invitation link has already been used. Each link works once; ask for a new one."
    elif invitation.used_at is None and invitation.expires_at <= page_now(request):
        problem = f"This invitation expired on {invitation.expires_at:%Y-%m-%d %H:%M} UTC; ask for a new one."
    context = {"title": f"Invitation: {assessment.title}" if assessment else "Invitation", "assessment": assessment,
               "org": org, "token": token, "problem": problem, "resume": invitation.used_at is not None}
    return render(request, "assessments/invitation.html", context, status_code=409 if problem else 200,
                  headers=PRIVATE)


@router.post("/invitations/{token}")
def accept(token: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep) -> Response:
    sitting = invitations.accept_invitation(session, principal.user, token[:128], now=page_now(request))
    org = session.get(Organisation, sitting.org_id)
    assert org is not None
    return htmx.redirect(request, f"/orgs/{org.slug}/sittings/{sitting.id}")


@router.get("/orgs/{org}/sittings")
def my_sittings_page(request: Request, scope: PageScopeDep) -> Response:
    rows = [(s, sittings.sitting_assessment(scope.session, s)) for s in sittings.sittings_of_user(scope)]
    return render(request, "assessments/sittings.html", {"title": f"Your assessments in {scope.org.name}",
                                                         "org": scope.org, "rows": rows}, headers=PRIVATE)


@router.get("/orgs/{org}/sittings/{sitting_id}")
def sitting_page(sitting_id: str, request: Request, scope: PageScopeDep) -> Response:
    view = taking.candidate_sitting(scope, sitting_id, now=page_now(request))
    context = {"title": view.assessment.title, "view": view, "org": scope.org, "errors": [],
               "hands_on": hands_on.latest_run(scope, view.assessment, view.sitting, for_candidate=True)}
    return render(request, "assessments/take.html", context, headers=PRIVATE)


def _posted_answers(scope: OrgScope, sitting_id: str, form, request: Request) -> list[str]:  # noqa: ANN001
    """Save every `answer-<item id>` field; the problems met (such as time over), if any."""
    problems = []
    for key, value in (form.multi_items() if form is not None else []):
        if key.startswith("answer-") and isinstance(value, str):
            try:
                sittings.save_answer(scope, sitting_id, key.removeprefix("answer-")[:32], value,
                                     now=page_now(request))
            except Conflict as exc:
                problems.append(exc.detail)
                break
    return problems


@router.post("/orgs/{org}/sittings/{sitting_id}/answers/{item_id}")
def autosave(sitting_id: str, item_id: str, request: Request, scope: PageScopeDep, form: FormDep) -> Response:
    """One answer, from htmx or a beacon when the page is hidden."""
    value = form.get(f"answer-{item_id}") if form is not None else None
    text = value if isinstance(value, str) else ""
    try:
        answer = sittings.save_answer(scope, sitting_id, item_id, text, now=page_now(request))
    except Conflict as exc:
        return render(request, "assessments/_saved.html", {"saved_at": None, "problem": exc.detail},
                      status_code=409, headers=PRIVATE)
    return render(request, "assessments/_saved.html", {"saved_at": answer.saved_at, "problem": None},
                  headers=PRIVATE)


@router.post("/orgs/{org}/sittings/{sitting_id}/save")
def save_all(sitting_id: str, request: Request, scope: PageScopeDep, form: FormDep) -> Response:
    """The no-JavaScript save: every answer of the form at once."""
    problems = _posted_answers(scope, sitting_id, form, request)
    if problems:
        view = taking.candidate_sitting(scope, sitting_id, now=page_now(request))
        context = {"title": view.assessment.title, "view": view, "org": scope.org, "errors": problems,
                   "hands_on": hands_on.latest_run(scope, view.assessment, view.sitting, for_candidate=True)}
        return render(request, "assessments/take.html", context, status_code=409, headers=PRIVATE)
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/sittings/{sitting_id}")


@router.post("/orgs/{org}/sittings/{sitting_id}/submit")
def submit(sitting_id: str, request: Request, scope: PageScopeDep, catalog: CatalogDep, form: FormDep) -> Response:
    """Save what the form carries (if still in time), then submit. Submitting twice changes nothing."""
    if sittings.own_sitting(scope, sitting_id).submitted_at is None:
        _posted_answers(scope, sitting_id, form, request)
    sittings.submit(scope, catalog, request.app.state.scoring, sitting_id, now=page_now(request))
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/sittings/{sitting_id}")
