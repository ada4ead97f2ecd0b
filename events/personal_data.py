"""Personal data of the calendar: registrations for events (see core/personaldata.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import personaldata
from core.personaldata import ANONYMISED, Kind, UserOwnedKind, describe
from events import registrations
from events.models import Registration


class Registrations(Kind):
    key = "events.registration"
    label = gettext_lazy("Event registrations")
    models = ("events.Registration",)
    order = 20

    def find(self, subject):
        return list(
            Registration.objects.filter(email__iexact=subject.email)
            .select_related("event")
            .order_by("event__starts_at", "pk")
        )

    def export(self, registration):
        return describe(
            registration,
            "event",
            "name",
            "email",
            "phone",
            "association",
            "people",
            "group_reason",
            "status",
            "remarks",
            "created_at",
            "confirmed_at",
            "reminded_at",
            **{_("event date"): registration.event.start_date, _("needs"): registration.needs},
        )

    def erase(self, records, subject):
        # As a cancellation does, so the waiting list moves up; no mail to the person erased.
        for registration in records:
            registrations.erase(registration=registration)
        return len(records)


class RegistrationsMadeForOthers(UserOwnedKind):
    """Registrations a staff member made for people without an email address: about the staff member
    only as who made them. The export names the event and the number of people, not the people."""

    key = "events.registration.registered_by"
    label = gettext_lazy("Registrations you made for others")
    models = ("events.Registration",)
    order = 64
    outcome = ANONYMISED
    history_is_personal = False
    user_field = "registered_by"
    select_related = ("event",)

    def export(self, registration):
        return describe(registration, "event", "people", "created_at")

    def erase(self, records, subject):
        # The registration is the registrant's; who made it becomes the anonymised account
        # (privacy/personal_data.py), and the retention rule erases the registration with the others.
        return len(records)


def register():
    """Called by the app's AppConfig.ready()."""
    personaldata.register(Registrations, RegistrationsMadeForOthers)
