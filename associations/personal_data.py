"""Personal data in the associations app: who may edit an association and who changed its profile,
and an association's contact address (see core/personaldata.py)."""

from django.utils.translation import gettext_lazy

from associations.models import Association
from core import personaldata
from core.personaldata import ANONYMISED, KEPT, Kind, UserOwnedKind, describe


class AssociationMemberships(UserOwnedKind):
    key = "associations.associationmembership"
    label = gettext_lazy("Association memberships")
    models = ("associations.AssociationMembership",)
    order = 61
    select_related = ("association",)

    def export(self, membership):
        return describe(membership, "association")


class ProfileChanges(UserOwnedKind):
    key = "associations.profilechange"
    label = gettext_lazy("Association profile changes you made")
    models = ("associations.ProfileChange",)
    order = 62
    outcome = ANONYMISED
    history_is_personal = False
    select_related = ("association",)

    def export(self, change):
        return describe(change, "association", "at", "fields")

    def erase(self, records, subject):
        # The record of the change stays; who made it is the anonymised account (privacy/personal_data.py).
        return len(records)


class Volunteering(UserOwnedKind):
    key = "associations.associationvolunteer"
    label = gettext_lazy("Associations whose page you keep")
    models = ("associations.AssociationVolunteer",)
    order = 63
    select_related = ("association",)

    def export(self, link):
        return describe(link, "association", "added_at")


class HeldChanges(UserOwnedKind):
    """A volunteer's proposals: the proposal is the association's, not personal; who sent it is."""

    key = "associations.heldchange"
    label = gettext_lazy("Changes you proposed to an association's page")
    models = ("associations.HeldChange",)
    user_field = "submitted_by"
    order = 64
    outcome = ANONYMISED
    history_is_personal = False
    select_related = ("association",)

    def export(self, change):
        return describe(change, "association", "submitted_at", "status", "reason")

    def erase(self, records, subject):
        # The proposal stays for the network's review; who sent it becomes the anonymised account.
        return len(records)


class AssociationContacts(Kind):
    """An association's contact address is published on its profile on purpose: mentioned, never erased.

    It covers no model: associations.Association is on the coverage test's list of organisations.
    """

    key = "associations.association"
    label = gettext_lazy("Contact address of an association")
    order = 99
    outcome = KEPT
    history_is_personal = False

    def find(self, subject):
        return list(Association.objects.filter(email__iexact=subject.email).order_by("pk"))

    def export(self, association):
        return describe(association, "name", "contact_person", "email")

    def erase(self, records, subject):
        return 0


def register():
    """Called by the app's AppConfig.ready()."""
    personaldata.register(AssociationMemberships, ProfileChanges, Volunteering, HeldChanges, AssociationContacts)
