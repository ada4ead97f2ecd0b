"""Who may have a proposed photo's file (registered for its folder in AssociationsConfig.ready())."""

import posixpath

from associations.models import HeldPhoto
from core.images import RENDITION_STEM_END
from core.media import Access
from network.permissions import can_preview


def held_photo_access(request, path):
    """The association's volunteers and the staff who may review it; hidden from everybody else."""
    stem = RENDITION_STEM_END.sub("", posixpath.splitext(path)[0])  # the original or one of its renditions
    photo = HeldPhoto.objects.filter(image__startswith=stem + ".").select_related("association").first()
    if photo is None:
        return Access.HIDDEN
    user = request.user
    if can_preview(user, photo):
        return Access.PRIVATE
    if user.is_authenticated and photo.association.volunteers.filter(user=user).exists():
        return Access.PRIVATE
    return Access.HIDDEN
