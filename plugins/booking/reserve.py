"""Storing bookings so that the database, not this code, rules out a double booking.

A booking that holds its time owns one :class:`Claim` per ``CLAIM_MINUTES`` of it; the
claims' unique key (and on PostgreSQL an exclusion constraint on the booking) makes the
second of two overlapping inserts fail, however many arrive at once. Cancelling or
declining deletes the claims, freeing the time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from core.plugin_api import community_lock, db, emit
from plugins.booking.i18n import _
from plugins.booking.models import CLAIM_MINUTES, Booking, Claim, Space
from plugins.booking.rules import Refused, Taken


def grains(starts_at: datetime, ends_at: datetime) -> list[datetime]:
    step = timedelta(minutes=CLAIM_MINUTES)
    out, at = [], starts_at
    while at < ends_at:
        out.append(at)
        at += step
    return out


def store(space: Space, starts_at: datetime, ends_at: datetime, **fields) -> Booking:
    """Insert the booking and its claims in a savepoint; ``Taken`` if any of its time is
    already held (then nothing of it is kept)."""
    # One booking of a space at a time: PostgreSQL checks an exclusion constraint after
    # inserting, so two overlapping inserts at once can each wait for the other (a
    # deadlock, not a clean refusal). The constraints still decide; the lock only queues.
    community_lock(f"booking.space.{space.id}")
    try:
        with db.session.begin_nested():
            booking = Booking(space_id=space.id, starts_at=starts_at, ends_at=ends_at, **fields)
            db.session.add(booking)
            db.session.flush()
            db.session.add_all(
                Claim(space_id=space.id, booking_id=booking.id, slot_start=at)
                for at in grains(starts_at, ends_at)
            )
            db.session.flush()
    except IntegrityError:
        raise Taken(_("Sorry, that time has just been booked by someone else.")) from None
    return booking


def lock_person(person_id: int) -> None:
    """Serialise one person's bookings (the weekly quota is read, then written)."""
    community_lock(f"booking.person.{person_id}")


def release(booking: Booking, status: str, reason: str = "", by: int | None = None) -> None:
    """Cancel or decline: the time is free again at once."""
    if booking.status not in ("pending", "confirmed"):
        raise Refused(_("This booking is no longer active."))
    booking.status = status
    booking.reason = reason
    booking.decided_by_id = by
    db.session.execute(db.delete(Claim).where(Claim.booking_id == booking.id))
    if booking.payment and booking.payment != "desk":
        emit("booking_released", booking_id=booking.id, payment=booking.payment)
