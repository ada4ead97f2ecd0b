from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = _("Associations")

    def ready(self):
        from associations import dashboard, personal_data, previews, revisions, search, sections, sitemaps
        from associations.media import held_photo_access
        from associations.models import HELD_PHOTOS
        from associations.volunteers import coordinated_association_names
        from core import coordinators, media

        search.register()
        sections.register()
        sitemaps.register()
        personal_data.register()
        revisions.register()
        previews.register()
        dashboard.register()
        media.register_guard(HELD_PHOTOS, held_photo_access)
        coordinators.register_finder(coordinated_association_names)
