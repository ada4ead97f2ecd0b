from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db.models import Q

from core.images import ResponsiveImageField, ensure_renditions, stored_size


class Command(BaseCommand):
    help = (
        "Make the WebP renditions that are missing for every ResponsiveImageField, recording unknown "
        "widths and heights first. Idempotent: a second run finds everything in place and makes nothing."
    )

    def handle(self, *args, **options):
        images = made = 0
        for model in apps.get_models():
            # Local fields only: a child model shares its parent's rows for inherited fields.
            for field in model._meta.local_fields:
                if not isinstance(field, ResponsiveImageField):
                    continue
                stored = model._base_manager.exclude(**{field.attname: ""}).exclude(
                    **{f"{field.attname}__isnull": True}
                )
                no_size = Q(**{f"{field.width_field}__isnull": True}) | Q(**{f"{field.height_field}__isnull": True})
                unsized = set(stored.filter(no_size).values_list("pk", flat=True))
                for instance in stored.iterator():
                    images += 1
                    made += self.make_missing(instance, field, record_size=instance.pk in unsized)
        self.stdout.write(f"Images checked: {images}. Renditions made: {made}.")

    def make_missing(self, instance, field, record_size):
        fieldfile = getattr(instance, field.attname)
        if record_size:
            # Loading the instance read the missing width and height from the file (ImageField's post_init).
            if not stored_size(fieldfile):
                self.stderr.write(f"{instance._meta.label} {instance.pk} {fieldfile.name}: cannot read its size.")
                return 0
            instance.save(update_fields=[field.width_field, field.height_field])
        try:
            return ensure_renditions(fieldfile)
        except (OSError, ValidationError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.stderr.write(f"{instance._meta.label} {instance.pk} {fieldfile.name}: {message}")
            return 0
