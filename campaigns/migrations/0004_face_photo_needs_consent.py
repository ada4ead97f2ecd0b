import core.images
from django.db import migrations, models


class Migration(migrations.Migration):
    """A face has a photo only once its consent is recorded (campaigns/models.py, Face)."""

    dependencies = [
        ("campaigns", "0003_move_face_photos_without_consent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="face",
            name="photo",
            field=core.images.ResponsiveImageField(
                blank=True,
                height_field="photo_height",
                help_text="Only once the consent is recorded: before that, the photo is refused.",
                upload_to="campaigns/faces/",
                verbose_name="photo",
                width_field="photo_width",
            ),
        ),
        migrations.AddConstraint(
            model_name="face",
            constraint=models.CheckConstraint(
                condition=models.Q(("consent_recorded", True), ("photo", ""), _connector="OR"),
                name="face_photo_needs_consent",
                violation_error_message=(
                    "A photo can only be added once the consent is recorded: tick “consent recorded” and give "
                    "its date. Without consent, remove the photo (Clear)."
                ),
            ),
        ),
    ]
