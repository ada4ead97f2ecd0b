"""Who may have a document's file when the app serves media (core/media.py asks, see NetworkConfig.ready)."""

from core.media import Access
from network.models import Document
from network.permissions import can_preview


def document_access(request, path):
    """A draft's file (or one outside its publication window) is not found, except by staff who may
    edit it; a published one is public."""
    document = Document.objects.filter(file=path).only("network_id", "published", "publish_at", "unpublish_at").first()
    if document is None or document.is_public:
        return Access.PUBLIC
    return Access.PRIVATE if can_preview(request.user, document) else Access.HIDDEN
