"""Who may work with an event's registrations outside the admin: register people without an email
address, and read the attendance list. One module used by the views and their tests.

Both are staff pages for one event, checked per object on the server: the model permission, and
the event's network among the user's networks (network.permissions.can_edit_network), as for a
preview. Another network's event answers 403, as a preview of it does.
"""

from network.permissions import can_edit_network

REGISTER_OTHERS = "events.register_others"


def can_register_others(user, event):
    """Staff with `events.register_others` (network editors), for an event of one of their networks.

    Hook for issue 21: volunteer coordinators get this permission through their own role; a rule
    added here will then limit them to the people of their own association.
    """
    return (
        user.is_active
        and user.is_staff
        and user.has_perm(REGISTER_OTHERS)
        and can_edit_network(user, event.network_id)
    )


def can_see_registrations(user, event):
    """Staff who may read registrations (`events.view_registration`), for an event of one of their networks."""
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("events.view_registration")
        and can_edit_network(user, event.network_id)
    )
