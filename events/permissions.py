"""Who may work with an event's registrations outside the admin: register people without an email
address, and read the attendance list. One module used by the views and their tests.

Both are staff pages for one event, checked per object on the server: the model permission, and
the event's network among the user's networks (network.permissions.can_edit_network), as for a
preview. Another network's event answers 403, as a preview of it does.
"""

from core.coordinators import coordinated_associations
from network.permissions import can_edit_network

REGISTER_OTHERS = "events.register_others"


def can_register_others(user, event):
    """Staff with `events.register_others` (network editors), for an event of one of their networks;
    an association's coordinator (a volunteer, core/coordinators.py) for any published event, in the
    name of their own association only (`coordinator_associations`)."""
    if is_coordinator_for(user, event):
        return True
    return (
        user.is_active
        and user.is_staff
        and user.has_perm(REGISTER_OTHERS)
        and can_edit_network(user, event.network_id)
    )


def is_coordinator_for(user, event):
    """A coordinator (never staff) works with a published event's registrations of their own associations."""
    return event.published and bool(coordinated_associations(user))


def coordinator_associations(user, event):
    """The association names a user's registrations and attendance list are limited to; None: no limit (staff)."""
    return coordinated_associations(user) if is_coordinator_for(user, event) else None


def can_see_registrations(user, event):
    """Staff who may read registrations (`events.view_registration`), for an event of one of their networks;
    a coordinator, the registrations of their own associations."""
    if is_coordinator_for(user, event):
        return True
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("events.view_registration")
        and can_edit_network(user, event.network_id)
    )
