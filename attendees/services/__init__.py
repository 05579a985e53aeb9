"""Writes for invitations, registrations, people and leadership groups, in four modules: places
(registering, the waiting list, cancelling), invitations, sessions (changes registrants must
hear about, the pilot decision, who a session is for) and people (accounts, people, groups).
Callers import them from here.

Capacity: every path that changes who holds a place (registering, cancelling, a capacity
change, an organiser's offer) first locks the session's row (`places._lock_session`), so they run one
after another per session — on PostgreSQL a second writer waits for the first and then sees
its committed work; SQLite's IMMEDIATE transactions let one writer in at a time. Under that
lock a newcomer joins the waiting list while anyone waits, and freed or added places go to the
people waiting, in queue order (`fill_places_from_waiting_list`). A place is taken with one
conditional UPDATE of the session's `places_taken` counter (`... WHERE places_taken <
capacity`), and a CHECK constraint (places_taken <= capacity) backs it up.

Emails are queued in the outbox inside the same transactions (attendees/emails.py); the
worker sends them after commit.
"""

from attendees.services.invitations import (
    LinkError,
    accept_invitation,
    decline_invitation,
    invitation_from_link,
    invite_groups,
    invite_person,
    people_to_invite,
    registration_from_link,
    resend_invitation,
)
from attendees.services.people import (
    PERSON_AUDIT_FIELDS,
    create_group,
    ensure_person_account,
    reset_calendar_token,
    update_group,
    update_person,
)
from attendees.services.places import (
    cancel_registration,
    fill_places_from_waiting_list,
    offer_place,
    register,
    registration_problem,
    waitlist_position,
)
from attendees.services.sessions import (
    STOP_CANCELLATION_REASON,
    can_self_register,
    cancel_session,
    published_rollout_sessions,
    record_pilot_decision,
    reschedule_session,
    set_session_audience,
    update_session,
    withdraw_places,
)

__all__ = [
    "LinkError",
    "PERSON_AUDIT_FIELDS",
    "STOP_CANCELLATION_REASON",
    "accept_invitation",
    "can_self_register",
    "cancel_registration",
    "cancel_session",
    "create_group",
    "decline_invitation",
    "ensure_person_account",
    "fill_places_from_waiting_list",
    "invitation_from_link",
    "invite_groups",
    "invite_person",
    "offer_place",
    "people_to_invite",
    "published_rollout_sessions",
    "record_pilot_decision",
    "register",
    "registration_from_link",
    "registration_problem",
    "reschedule_session",
    "resend_invitation",
    "reset_calendar_token",
    "set_session_audience",
    "update_group",
    "update_person",
    "update_session",
    "waitlist_position",
    "withdraw_places",
]
