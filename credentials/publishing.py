"""Publishing is the candidate's choice: nothing is public until they publish, and unpublishing
takes effect on the next request (public responses are computed per request, never stored).

Which organisations' registered origins may frame the widget is also the candidate's choice:
`embed_org_ids`, a subset of the organisations they belong to. With none, the widget sends
`frame-ancestors 'none'` and can only be opened directly.
"""

from __future__ import annotations

import secrets as _random
from typing import Literal

from sqlmodel import Session, select

from credentials.models import ProfilePublication
from prodready.accounts.models import Membership, User
from prodready.db import utcnow
from prodready.errors import InvalidInput, NotFound

Detail = Literal["overall", "areas"]
MAX_EMBED_ORGS = 20


def publication_of(session: Session, user_id: str) -> ProfilePublication | None:
    return session.exec(select(ProfilePublication).where(ProfilePublication.user_id == user_id)).first()


def ensure_publication(session: Session, user_id: str) -> ProfilePublication:
    found = publication_of(session, user_id)
    if found is None:
        found = ProfilePublication(user_id=user_id, public_id=_random.token_urlsafe(12))
        session.add(found)
        session.flush()
    return found


def publish(session: Session, user: User, *, detail: Detail, embed_org_ids: list[str]) -> ProfilePublication:
    wanted = list(dict.fromkeys(embed_org_ids))
    if len(wanted) > MAX_EMBED_ORGS:
        raise InvalidInput(f"Choose at most {MAX_EMBED_ORGS} organisations.")
    member_of = set(session.exec(select(Membership.org_id).where(Membership.user_id == user.id)).all())
    unknown = [org_id for org_id in wanted if org_id not in member_of]
    if unknown:
        raise NotFound("You can only let organisations you belong to embed your profile.")
    publication = ensure_publication(session, user.id)
    now = utcnow()
    if not publication.published:
        publication.published_at = now
    publication.published, publication.detail, publication.embed_org_ids = True, detail, wanted
    publication.updated_at = now
    session.add(publication)
    session.flush()
    return publication


def unpublish(session: Session, user: User) -> ProfilePublication:
    publication = ensure_publication(session, user.id)
    publication.published, publication.published_at, publication.updated_at = False, None, utcnow()
    session.add(publication)
    session.flush()
    return publication


def published_profile_owner(session: Session, public_id: str) -> tuple[ProfilePublication, User]:
    """The publication and its owner, or 404 when unpublished, unknown or the account is closed."""
    publication = session.exec(select(ProfilePublication).where(ProfilePublication.public_id == public_id)).first()
    user = session.get(User, publication.user_id) if publication else None
    if publication is None or not publication.published or user is None or not user.is_active:
        raise NotFound("No published profile with this id.")
    return publication, user
