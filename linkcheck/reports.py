"""The broken links a staff member should hear about, for the staff dashboard and the admin list."""

from linkcheck.models import BrokenLink
from network.permissions import network_ids


def broken_links_for(user):
    """The uses of broken links in the user's networks (every network for a superuser), longest failing
    first; none for a user whose role does not follow links."""
    uses = BrokenLink.objects.select_related("link", "network", "content_type")
    if not user.has_perm("linkcheck.view_brokenlink"):
        return uses.none()
    return uses if user.is_superuser else uses.for_networks(network_ids(user))
