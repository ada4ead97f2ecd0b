"""The site's one image pipeline: validation, metadata removal, WebP renditions and their clean-up.

An uploaded image is checked (bytes, format, pixels, a full decode), stored upright without
EXIF, XMP or comments, and accompanied by WebP renditions named after it:
`partners/logo.png` gets `partners/logo.w320.webp`, `partners/logo.w640.webp`, ...
Templates compute those names from the stored name and width alone, so rendering never
touches storage. Everything goes through the Storage API, so media can move to S3.
"""

import posixpath
import re
from io import BytesIO

from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import signals
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
RENDITION_QUALITY = 80
# Pillow's name for each accepted format -> the extension the stored original gets.
ACCEPTED_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
ORIGINAL_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif")
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85},
    "GIF": {},
}
# An original's stem must never end like a rendition's, or one image's renditions could overwrite another.
RENDITION_STEM_END = re.compile(r"\.w(\d+)$")


def read_image(file):
    """Check an uploaded image and decode it; raises ValidationError with a message for the person uploading."""
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s."),
            code="image_file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    return decode_image(file)


def decode_image(file):
    """Decode a JPEG, PNG, WebP or GIF image within the pixel limit; raises ValidationError otherwise.

    The size in the header is checked before any pixel is decoded, so a small file claiming
    to be enormous (a "decompression bomb") is refused without allocating its memory.
    """
    limit = settings.IMAGE_MAX_PIXELS
    megapixels = floatformat(limit / 1e6, -1)
    try:
        image = _read_header(file)
        if image is None:
            raise ValidationError(_("This file is not a JPEG, PNG, WebP or GIF image."), code="not_an_image")
        width, height = image.size
        if width * height > limit:
            raise ValidationError(
                _("This image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels."),  # noqa: RUF001
                code="image_too_many_pixels",
                params={"width": width, "height": height, "limit": megapixels},
            )
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        # Pillow's own guard, met only inside a file (a GIF frame larger than the image it belongs to).
        raise ValidationError(
            _("This image is larger than %(limit)s megapixels."),
            code="image_too_many_pixels",
            params={"limit": megapixels},
        ) from error
    except Exception as error:
        # Truncated data or a broken header: to a person both mean the file needs saving again.
        raise ValidationError(
            _("This image is damaged or incomplete. Save it again with an image program and upload that file."),
            code="image_damaged",
        ) from error
    finally:
        file.seek(0)
    return image


def _read_header(file):
    """Pillow's lazy image of a JPEG, PNG, WebP or GIF file (header read, no pixels), or None for other files.

    Image.open() would refuse a very large image before we could read its size, with a message
    naming no size; its plugins are asked directly so that our own limit applies and can be named.
    """
    Image.init()
    file.seek(0)
    prefix = file.read(16)
    for format_name in ACCEPTED_FORMATS:
        if format_name not in Image.OPEN:
            continue
        factory, accept = Image.OPEN[format_name]
        if accept is not None and accept(prefix) is True:
            file.seek(0)
            return factory(file, "")
    return None


def validate_image(value):
    """Model field validator: a newly uploaded file must pass read_image(); stored files were checked before."""
    if isinstance(value, FieldFile):
        if value._committed:
            return
        value = value.file
    # Kept on the upload, so saving it does not decode the same bytes a second time.
    value.decoded_image = read_image(value)  # not close(): that would close the upload too


def without_metadata(image):
    """Turn `image` upright in place (its EXIF orientation applied) and encode it again without metadata.

    Returns (bytes, extension): the same format without EXIF, XMP or comments, keeping the ICC
    profile so colours stay right; an animated image keeps its first frame.
    """
    format_name = "JPEG" if image.format == "MPO" else image.format
    ImageOps.exif_transpose(image, in_place=True)
    options = dict(SAVE_OPTIONS[format_name])
    if image.info.get("icc_profile") and format_name != "GIF":
        options["icc_profile"] = image.info["icc_profile"]
    # Encoders also read metadata (comments, GIF extensions) from info: let them see only what the pixels need.
    info, image.info = image.info, {key: image.info[key] for key in ("transparency",) if key in image.info}
    buffer = BytesIO()
    try:
        image.save(buffer, format_name, **options)
    finally:
        image.info = info
    return buffer.getvalue(), ACCEPTED_FORMATS[format_name]


def rendition_widths(width):
    """The rendition widths for an image `width` pixels wide: the standard ones below it, and one at its own size."""
    return sorted({w for w in RENDITION_WIDTHS if w < width} | {min(width, RENDITION_WIDTHS[-1])})


def rendition_name(name, width):
    """`partners/logo.png`, 320 -> `partners/logo.w320.webp`."""
    return f"{posixpath.splitext(name)[0]}.w{width}.webp"


def scaled_height(width, height, new_width):
    """The height of an image of `width` by `height` pixels scaled to `new_width`, keeping its aspect ratio."""
    return max(1, round(height * new_width / width))


def stored_size(fieldfile):
    """(width, height) from the model's dimension fields, or None when they are not filled."""
    field = fieldfile.field
    if not (field.width_field and field.height_field):
        return None
    width = getattr(fieldfile.instance, field.width_field)
    height = getattr(fieldfile.instance, field.height_field)
    return (width, height) if width and height else None


def renditions(fieldfile):
    """[(url, width), ...] of an image's WebP renditions, smallest first, without touching storage."""
    size = fieldfile and stored_size(fieldfile)
    if not size:
        return []
    return [(fieldfile.storage.url(rendition_name(fieldfile.name, w)), w) for w in rendition_widths(size[0])]


def save_renditions(storage, name, image, widths=None):
    """Store WebP renditions of the decoded, upright `image` stored as `name`; returns their widths."""
    widths = rendition_widths(image.width) if widths is None else widths
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    options = {"quality": RENDITION_QUALITY}
    if image.info.get("icc_profile") and image.mode != "CMYK":
        options["icc_profile"] = image.info["icc_profile"]
    source = image.convert("RGBA" if has_alpha else "RGB")
    for width in widths:
        size = (width, scaled_height(image.width, image.height, width))
        rendition = source if size == source.size else source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3)
        buffer = BytesIO()
        rendition.save(buffer, "WEBP", **options)
        target = rendition_name(name, width)
        # The original's name was free, so a file here is a leftover, not another image's rendition.
        if storage.exists(target):
            storage.delete(target)
        storage.save(target, ContentFile(buffer.getvalue()))
    return widths


def ensure_renditions(fieldfile):
    """Make the renditions of a stored image that are missing; returns how many were made."""
    size = stored_size(fieldfile)
    if not size:
        return 0
    storage, name = fieldfile.storage, fieldfile.name
    missing = [w for w in rendition_widths(size[0]) if not storage.exists(rendition_name(name, w))]
    if not missing:
        return 0
    with storage.open(name, "rb") as original:
        image = decode_image(ContentFile(original.read()))
    ImageOps.exif_transpose(image, in_place=True)
    return len(save_renditions(storage, name, image, missing))


def delete_image(storage, name, width=None):
    """Delete a stored original and its renditions (every standard width when its width is unknown)."""
    widths = rendition_widths(width) if width else RENDITION_WIDTHS
    for target in [name, *(rendition_name(name, w) for w in widths)]:
        storage.delete(target)


class ResponsiveImageFieldFile(ImageFieldFile):
    def _get_image_dimensions(self):
        """Width and height from the header alone, (None, None) if unreadable.

        Django's own reading lets Pillow raise on a decompression bomb as soon as it is assigned
        to the field, before validation can refuse it with a message.
        """
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            self.open()
            try:
                image = _read_header(self.file)
                self._dimensions_cache = image.size if image else (None, None)
            except Exception:
                self._dimensions_cache = (None, None)
            finally:
                if close:
                    self.close()
                else:
                    self.file.seek(0)
        return self._dimensions_cache


class ImageUploadField(forms.ImageField):
    """Accepts any upload and leaves reading it to the model field's validator, so every form gives its messages."""

    default_validators = []

    def to_python(self, data):
        return forms.FileField.to_python(self, data)


class ResponsiveImageField(models.ImageField):
    """An ImageField whose uploads are checked, stripped of metadata and given WebP renditions.

    Needs width_field and height_field: renditions and <img> sizes are computed from them.
    """

    attr_class = ResponsiveImageFieldFile
    default_validators = [validate_image]

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_dimension_fields()]

    def _check_dimension_fields(self):
        if not (self.width_field and self.height_field):
            return [
                checks.Error(
                    "ResponsiveImageField needs width_field and height_field.",
                    hint="Add two PositiveIntegerField(null=True, blank=True, editable=False) and name them here; "
                    "renditions and <img> sizes are computed from them without opening the file.",
                    obj=self,
                    id="images.E001",
                )
            ]
        errors = []
        for name in (self.width_field, self.height_field):
            try:
                self.model._meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(
                    checks.Error(f"'{name}' is not a field of {self.model.__name__}.", obj=self, id="images.E002")
                )
        return errors

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadField, **kwargs})

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            signals.pre_save.connect(self._remember_replaced_file, sender=cls)
            signals.post_save.connect(self._delete_replaced_file, sender=cls)
            signals.post_delete.connect(self._delete_files_of_deleted, sender=cls)

    def generate_filename(self, instance, filename):
        """The upload's name, unless an original with the same stem is stored: then a free one."""
        name = super().generate_filename(instance, filename)
        directory, base = posixpath.split(name)
        stem, extension = posixpath.splitext(base)
        stem = RENDITION_STEM_END.sub(r"-w\1", stem)
        # Renditions are named after the stem alone, so logo.png and logo.jpg would share them.
        while any(self.storage.exists(posixpath.join(directory, stem + other)) for other in ORIGINAL_EXTENSIONS):
            stem = self.storage.get_alternative_name(stem, "")
        return posixpath.join(directory, stem + extension)

    def pre_save(self, model_instance, add):
        fieldfile = getattr(model_instance, self.attname)
        image = None
        if fieldfile and not fieldfile._committed:
            # Validated uploads carry their decoded image; anything else (shell, demo) is checked here.
            image = getattr(fieldfile.file, "decoded_image", None) or read_image(fieldfile.file)
            content, extension = without_metadata(image)
            fieldfile.name = posixpath.splitext(fieldfile.name)[0] + extension
            # Named, so that Django reads the width and height from these bytes rather than from storage.
            fieldfile.file = ContentFile(content, name=posixpath.basename(fieldfile.name))
        fieldfile = super().pre_save(model_instance, add)
        if image is not None:
            save_renditions(self.storage, fieldfile.name, image)
        return fieldfile

    @property
    def _replaced_key(self):
        return f"_replaced_{self.attname}"

    def _remember_replaced_file(self, sender, instance, raw, using, update_fields, **kwargs):
        """Before a save that replaces or clears the stored file: note it, to delete once the save is committed."""
        if raw or instance._state.adding or (update_fields is not None and self.name not in update_fields):
            return
        if self.attname not in instance.__dict__:  # deferred, so not changed either
            return
        stored = sender._base_manager.using(using).filter(pk=instance.pk)
        stored_name, stored_width = stored.values_list(self.attname, self.width_field).first() or (None, None)
        current = getattr(instance, self.attname)
        if stored_name and (not current or not current._committed or current.name != stored_name):
            instance.__dict__[self._replaced_key] = (stored_name, stored_width)

    def _delete_replaced_file(self, sender, instance, using, **kwargs):
        replaced = instance.__dict__.pop(self._replaced_key, None)
        if replaced:
            self._delete_after_commit(sender, *replaced, using=using)

    def _delete_files_of_deleted(self, sender, instance, using, **kwargs):
        value = instance.__dict__.get(self.attname)
        name = (
            value
            if isinstance(value, str)
            else value.name
            if isinstance(value, FieldFile) and value._committed
            else ""
        )
        if name:
            self._delete_after_commit(sender, name, instance.__dict__.get(self.width_field), using=using)

    def _delete_after_commit(self, model, name, width, using):
        def delete():
            # Another row may point at the same file (a copied object); then it stays.
            if not model._base_manager.using(using).filter(**{self.attname: name}).exists():
                delete_image(self.storage, name, width)

        transaction.on_commit(delete, using=using)


# A model's image is four fields, always the same way (Network.logo, NewsPost.hero_image, ...):
#     logo = image_field(_("logo"), upload_to="networks/", size_prefix="logo")
#     logo_width = image_size_field()
#     logo_height = image_size_field()
#     logo_alt = image_alt_field(_("logo alt text"), max_length=200)
# Plain fields, so migrations see the same four columns as ever; require_alt_text() in the
# model's clean() asks for the alt text once there is an image.


def image_field(verbose_name, *, upload_to, size_prefix, blank=True, **options):
    """A ResponsiveImageField that stores its size in `<size_prefix>_width` and `_height`."""
    return ResponsiveImageField(
        verbose_name,
        upload_to=upload_to,
        blank=blank,
        width_field=f"{size_prefix}_width",
        height_field=f"{size_prefix}_height",
        **options,
    )


def image_size_field():
    """An image's stored width or height: written on upload, never by hand."""
    return models.PositiveIntegerField(null=True, blank=True, editable=False)


def image_alt_field(verbose_name, *, max_length=250, blank=True, help_text=""):
    """An image's alt text, for people who cannot see it."""
    return models.CharField(verbose_name, max_length=max_length, blank=blank, help_text=help_text)


def require_alt_text(instance, image_field, alt_field):
    """Model clean() helper: an uploaded image needs its alt text."""
    if getattr(instance, image_field) and not getattr(instance, alt_field).strip():
        raise ValidationError({alt_field: _("Describe this image for people who cannot see it.")})
