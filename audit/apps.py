from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from auditlog import get_logentry_model

        from audit import recording, registry

        registry.register_all()
        pre_save.connect(recording.prepare_entry, sender=get_logentry_model(), dispatch_uid="audit.prepare_entry")
