from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app only so Django finds the `images` template tags and the signal receivers; it has no models."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        import core.accounts  # noqa: F401 (its signal receivers: the other sessions end when the second factor changes)
