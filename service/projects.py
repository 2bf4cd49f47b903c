"""Filing requests: projects a user keeps them in, and tags.

A project is a user's folder (a batch is one too, made by service/batches.py).
Tags are short words, lower case, with hyphens for spaces ("#housing-repairs").
Every call checks that the user owns what they name.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.listing import normal_tag
from storage.models import FoiRequestRow, Project, RequestTag, User

MAX_TAGS = 20


class FilingRefused(Exception):
    """The project or tag cannot be used as asked; the message says why."""


def projects_of(session: Session, user: User) -> list[Project]:
    return list(session.scalars(select(Project).where(Project.owner_id == user.id).order_by(Project.name)))


def request_counts(session: Session, user: User) -> dict[int, int]:
    """How many requests each of the user's projects holds, by project id (one query for them all)."""
    rows = session.execute(
        select(FoiRequestRow.project_id, func.count())
        .join(Project, Project.id == FoiRequestRow.project_id)
        .where(Project.owner_id == user.id)
        .group_by(FoiRequestRow.project_id)
    )
    return {project_id: count for project_id, count in rows}


def project_named(session: Session, user: User, name: str) -> Project | None:
    return session.scalar(
        select(Project).where(Project.owner_id == user.id, func.lower(Project.name) == " ".join(name.split()).lower())
    )


def owned_project(session: Session, user: User, project_id: int) -> Project | None:
    project = session.get(Project, project_id)
    return project if project is not None and project.owner_id == user.id else None


def file_in(session: Session, user: User, request: FoiRequestRow, project_name: str) -> Project:
    """File the user's request in their project of that name, making the project if need be."""
    if request.owner_id != user.id:
        raise FilingRefused("That request is not yours.")
    name = " ".join(project_name.split())[:200]
    if not name:
        raise FilingRefused("Give the project a name.")
    project = project_named(session, user, name)
    if project is None:
        project = Project(owner=user, name=name, kind="project")
        session.add(project)
        session.flush()
    elif project.kind == "batch" and request.project_id != project.id:
        raise FilingRefused(f"{project.name} is a batch: only its own letters belong to it.")
    request.project = project
    return project


def tag(session: Session, user: User, request: FoiRequestRow, tags: list[str]) -> list[str]:
    """Add tags to the user's request; return its tags."""
    if request.owner_id != user.id:
        raise FilingRefused("That request is not yours.")
    have = {t.tag for t in request.tag_rows}
    for word in tags:
        cleaned = normal_tag(word)
        if cleaned and cleaned not in have:
            if len(have) >= MAX_TAGS:
                raise FilingRefused(f"A request keeps at most {MAX_TAGS} tags.")
            request.tag_rows.append(RequestTag(tag=cleaned))
            have.add(cleaned)
    session.flush()
    return sorted(have)


def untag(session: Session, user: User, request: FoiRequestRow, word: str) -> list[str]:
    if request.owner_id != user.id:
        raise FilingRefused("That request is not yours.")
    cleaned = normal_tag(word)
    request.tag_rows = [t for t in request.tag_rows if t.tag != cleaned]
    session.flush()
    return sorted(t.tag for t in request.tag_rows)


def tags_of_user(session: Session, user: User) -> list[tuple[str, int]]:
    """The user's tags with how many requests carry each, most used first."""
    rows = session.execute(
        select(RequestTag.tag, func.count(RequestTag.id))
        .join(FoiRequestRow, FoiRequestRow.id == RequestTag.request_id)
        .where(FoiRequestRow.owner_id == user.id)
        .group_by(RequestTag.tag)
        .order_by(func.count(RequestTag.id).desc(), RequestTag.tag)
    )
    return [(t, n) for t, n in rows]
