"""Who may have a document's file when the app serves media (core/media.py asks, see NetworkConfig.ready)."""

from core.media import Access
from network.models import Document
from network.permissions import can_preview


def document_access(request, path):
    """A draft's file is not found, except by staff who may edit it; a published one is public."""
    draft = Document.objects.filter(file=path, published=False).only("network_id").first()
    if draft is None:
        return Access.PUBLIC
    return Access.PRIVATE if can_preview(request.user, draft) else Access.HIDDEN
