"""Recruitment steps: apply, vet, appoint, end a seat. The database keeps the seat limit.

``appoint`` raises the committee's ``seats_taken`` with one conditional UPDATE
(``WHERE seats_taken < max_seats``): of two staff appointing the last seat at the same
moment, one UPDATE matches a row and the other matches none. The application moves on
with a conditional UPDATE too (only a vetted one is appointed, once), and the unique key
on active seats refuses a second seat for the same member.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError

from core.plugin_api import db, utcnow
from plugins.committees.models import Application, Committee, Seat


class RecruitmentError(Exception):
    """A step that cannot be taken; ``code`` names why (see views.MESSAGES)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def apply(committee: Committee, user_id: int, name: str, statement: str) -> Application:
    """志愿报名. Refused for a sitting member or while an application is still open."""
    sitting = db.session.execute(
        db.select(Seat.id).where(
            Seat.committee_id == committee.id, Seat.user_id == user_id, Seat.active_key == 1
        )
    ).first()
    if sitting:
        raise RecruitmentError("already_member")
    application = Application(
        committee_id=committee.id, user_id=user_id, name=name[:80], statement=statement
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:
        raise RecruitmentError("already_applied") from None
    return application


def _move(application: Application, frm: tuple[str, ...], to: str, actor_id: int | None) -> None:
    values = {"status": to, "decided_at": utcnow(), "decided_by_id": actor_id}
    if to not in ("applied", "vetted"):
        values["open_key"] = None
    result = db.session.execute(
        db.update(Application)
        .where(Application.id == application.id, Application.status.in_(frm))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise RecruitmentError("not_open")
    db.session.refresh(application)


def vet(application: Application, actor_id: int) -> None:
    """组织考察 passed: the application may now be appointed."""
    _move(application, ("applied",), "vetted", actor_id)


def reject(application: Application, actor_id: int) -> None:
    _move(application, ("applied", "vetted"), "rejected", actor_id)


def withdraw(application: Application, actor_id: int) -> None:
    _move(application, ("applied", "vetted"), "withdrawn", actor_id)


def appoint(
    committee: Committee,
    application: Application,
    role: str,
    term_start: date,
    term_end: date,
    actor_id: int,
) -> Seat:
    """竞聘上岗: a vetted application takes a seat, if the committee has one free.

    Raises ``RecruitmentError`` ("full", "not_open", "already_member"); the caller then
    rolls the transaction back (the counter and the application move together or not)."""
    if term_end < term_start:
        raise RecruitmentError("bad_term")
    _move(application, ("vetted",), "appointed", actor_id)
    taken = db.session.execute(
        db.update(Committee)
        .where(Committee.id == committee.id, Committee.seats_taken < Committee.max_seats)
        .values(seats_taken=Committee.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise RecruitmentError("full")
    seat = Seat(
        committee_id=committee.id,
        user_id=application.user_id,
        name=application.name,
        role=role,
        application_id=application.id,
        term_start=term_start,
        term_end=term_end,
        appointed_by_id=actor_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(seat)
    except IntegrityError:
        raise RecruitmentError("already_member") from None
    return seat


def end_seat(committee: Committee, seat: Seat, reason: str) -> None:
    """A term ends (term_end) or a member steps down (stepped_down): the seat is freed."""
    ended = db.session.execute(
        db.update(Seat)
        .where(Seat.id == seat.id, Seat.active_key == 1)
        .values(active_key=None, ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:
        raise RecruitmentError("seat_ended")
    db.session.execute(
        db.update(Committee)
        .where(Committee.id == committee.id, Committee.seats_taken > 0)
        .values(seats_taken=Committee.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(seat)


def free_seats_of(user_id) -> int:
    """End every active seat of a person who left the community (recorded as stepping
    down), so the seats count again; returns how many were ended."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return 0
    held = db.session.execute(
        db.select(Seat, Committee)
        .join(Committee, Committee.id == Seat.committee_id)
        .where(Seat.user_id == user_id, Seat.active_key == 1)
    ).all()
    for seat, committee in held:
        end_seat(committee, seat, "stepped_down")
    return len(held)
