from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Networks")

    def ready(self):
        from core import media, pagecache
        from network import pagecache_rules, search, sections, signals, sitemaps  # noqa: F401
        from network.media import document_access
        from network.permissions import sync_roles

        pagecache_rules.declare()
        pagecache.connect()
        sitemaps.register_sections()
        media.register_guard("documents/", document_access)

        post_migrate.connect(sync_roles, dispatch_uid="network.sync_roles")
