import posixpath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import migrations

RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)


def move_photos_without_consent(apps, schema_editor):
    """Photos of faces whose consent is not recorded leave the public media for a private folder
    (var/private/faces-without-consent/<face id>/), out of reach of /media/ and of a bucket;
    the face keeps its name and quote, and gets the photo again once the consent is recorded."""
    Face = apps.get_model("campaigns", "Face")
    private = FileSystemStorage(location=settings.VAR_DIR / "private" / "faces-without-consent")
    for face in Face.objects.filter(consent_recorded=False).exclude(photo=""):
        name = face.photo.name
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as original:
                private.save(f"{face.pk}/{posixpath.basename(name)}", original)
        stem = posixpath.splitext(name)[0]
        for target in [name, *(f"{stem}.w{width}.webp" for width in RENDITION_WIDTHS)]:
            default_storage.delete(target)
        Face.objects.filter(pk=face.pk).update(photo="", photo_width=None, photo_height=None)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_search_vector"),
    ]

    operations = [
        migrations.RunPython(move_photos_without_consent, migrations.RunPython.noop),
    ]
