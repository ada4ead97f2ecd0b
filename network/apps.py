from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Networks")

    def ready(self):
        import network.signals  # noqa: F401 (its receivers)
        from core import media, pagecache, sites
        from network import dashboard, pagecache_rules, personal_data, previews, revisions, search, sections, sitemaps
        from network.media import document_access
        from network.permissions import sync_roles
        from network.sites import load_site_network

        search.register()
        sections.register()
        sitemaps.register()
        personal_data.register()
        revisions.register()
        previews.register()
        dashboard.register()
        pagecache_rules.declare()
        pagecache.connect()
        media.register_guard("documents/", document_access)
        sites.register_loader(load_site_network)

        post_migrate.connect(sync_roles, dispatch_uid="network.sync_roles")
