"""Personal data in the networks app: staff's network memberships, the preview share links they made
and a network's contact address (see core/personaldata.py)."""

from django.utils.translation import gettext_lazy

from core import personaldata
from core.personaldata import ERASED, KEPT, Kind, UserOwnedKind, describe
from network.models import Network


class NetworkMemberships(UserOwnedKind):
    key = "network.networkmembership"
    label = gettext_lazy("Network memberships")
    models = ("network.NetworkMembership",)
    order = 60
    select_related = ("network",)

    def export(self, membership):
        return describe(membership, "network")


class ShareLinksMade(UserOwnedKind):
    """The preview share links a staff member made: erased (a link is short-lived and revocable anyway)."""

    key = "network.sharelink"
    label = gettext_lazy("Preview share links you made")
    models = ("network.ShareLink",)
    order = 61
    outcome = ERASED
    history_is_personal = False
    user_field = "created_by"

    def export(self, link):
        return describe(link, "network", "created_at", "expires_at", "revoked_at")


class NetworkContacts(Kind):
    """A network's contact address is the organisation's, public by design: mentioned, never erased.

    It covers no model: network.Network is on the coverage test's list of organisations.
    """

    key = "network.network"
    label = gettext_lazy("Contact address of a network")
    order = 99
    outcome = KEPT
    history_is_personal = False

    def find(self, subject):
        return list(Network.objects.filter(email__iexact=subject.email).order_by("pk"))

    def export(self, network):
        return describe(network, "name", "email")

    def erase(self, records, subject):
        return 0


def register():
    """Called by the app's AppConfig.ready()."""
    personaldata.register(NetworkMemberships, ShareLinksMade, NetworkContacts)
