"""Who may have a document's file when the app serves media (core/media.py asks, see NetworkConfig.ready)."""

from core.media import Access
from network.models import Document
from network.permissions import can_edit_network


def document_access(request, path):
    """A draft's file is not found, except by staff who may edit it; a published one is public."""
    draft = Document.objects.filter(file=path, published=False).values_list("network_id", flat=True).first()
    if draft is None:
        return Access.PUBLIC
    if (
        request.user.is_staff
        and request.user.has_perm("network.view_document")
        and can_edit_network(request.user, draft)
    ):
        return Access.PRIVATE
    return Access.HIDDEN
