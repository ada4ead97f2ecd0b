"""The image pipeline as an editor meets it: refused uploads, clean stored files, renditions, clean-up.

Messages are checked in English, their msgids; the Dutch catalog is checked in tests/test_project.py.
"""

import struct
import zlib
from html.parser import HTMLParser
from io import BytesIO, StringIO

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.forms import modelform_factory
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.test.utils import isolate_apps
from PIL import ExifTags, Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from core.images import ResponsiveImageField
from network.models import Partner
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

PartnerForm = modelform_factory(Partner, fields=["network", "name", "kind", "logo", "logo_alt"])
DAMAGED = "This image is damaged or incomplete. Save it again with an image program and upload that file."
NOT_AN_IMAGE = "This file is not a JPEG, PNG, WebP or GIF image."
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.LANGUAGE_CODE = "en"
    settings.LANGUAGES = [("en", "English")]
    return settings.MEDIA_ROOT


@pytest.fixture
def network():
    return NetworkFactory(name="Netwerk X", short_name="NX", slug="netwerk-x", region="vlaanderen", mission="<p>x</p>")


def stored_files(media):
    return sorted(path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file())


def image_bytes(format_name, size=(1000, 500), mode="RGB", colour="navy", noise=False, **options):
    image = Image.effect_noise(size, 64).convert(mode) if noise else Image.new(mode, size, colour)
    buffer = BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefoon"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 55.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (5.0, 20.0, 10.0),
    }
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    return exif


def png_claiming(width, height):
    """A PNG of a few bytes whose header claims `width` by `height` pixels: a decompression bomb."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def gif_with_a_huge_frame(width, height):
    """A GIF of a few bytes: a 1 by 1 pixel image whose only frame claims `width` by `height` pixels."""
    screen = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0, 0, 0)
    frame = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return screen + frame + b";"


def partner_form(network, content, name="logo.png", instance=None, **data):
    files = {"logo": SimpleUploadedFile(name, content)} if content is not None else {}
    data = {"network": network.pk, "name": "Fonds", "kind": "funder", "logo_alt": "Logo van Fonds", **data}
    return PartnerForm(data=data, files=files, instance=instance)


def save_partner(network, content, name="logo.png"):
    form = partner_form(network, content, name)
    assert form.is_valid(), form.errors
    return form.save()


def open_stored(media, name):
    return Image.open(media / name)


class ImgTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def rendered_images(html):
    parser = ImgTags()
    parser.feed(html)
    return parser.images


# Refused uploads: a clear message, no file, no row.


def test_text_file_named_jpg_is_refused_with_a_plain_message(network, media):
    form = partner_form(network, b"Dit is geen foto, alleen tekst.\n", name="foto.jpg")

    assert not form.is_valid()
    assert form.errors["logo"] == [NOT_AN_IMAGE]
    assert stored_files(media) == []


def test_truncated_jpeg_is_refused_as_damaged(network, media):
    whole = image_bytes("JPEG", size=(600, 400), noise=True, quality=90)
    form = partner_form(network, whole[: len(whole) // 2], name="foto.jpg")

    assert not form.is_valid()
    assert form.errors["logo"] == [DAMAGED]
    assert stored_files(media) == []


def test_image_over_the_byte_limit_is_refused_naming_the_limit(network, media, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    content = image_bytes("PNG", size=(200, 200), noise=True)
    form = partner_form(network, content)

    assert not form.is_valid()
    assert form.errors["logo"] == [
        f"This image is {filesizeformat(len(content))}; the limit is {filesizeformat(1000)}."
    ]
    assert stored_files(media) == []


@pytest.mark.parametrize("width, height", [(20000, 20000), (8000, 6000)])
def test_decompression_bomb_is_refused_from_its_header_without_decoding(network, media, monkeypatch, width, height):
    bomb = png_claiming(width, height)
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image.size))
    form = partner_form(network, bomb, name="klein.png")

    assert len(bomb) < 200
    assert not form.is_valid()
    assert form.errors["logo"] == [f"This image is {width} × {height} pixels; the limit is 40 megapixels."]  # noqa: RUF001
    assert decoded == []
    assert stored_files(media) == []


def test_gif_whose_frame_is_a_decompression_bomb_is_refused(network, media, monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image.size))
    form = partner_form(network, gif_with_a_huge_frame(20000, 20000), name="klein.gif")

    assert not form.is_valid()
    assert form.errors["logo"] == ["This image is larger than 40 megapixels."]
    assert decoded == []
    assert stored_files(media) == []


def test_admin_refuses_a_decompression_bomb_and_stores_nothing(admin_client, network, media):
    response = admin_client.post(
        "/beheer/network/partner/add/",
        {
            "network": network.pk,
            "name": "Fonds",
            "kind": "funder",
            "url": "",
            "attribution": "",
            "logo": SimpleUploadedFile("klein.png", png_claiming(20000, 20000)),
            "logo_alt": "Logo",
            "position": 0,
        },
    )

    assert response.status_code == 200
    assert "This image is 20000 × 20000 pixels; the limit is 40 megapixels." in response.content.decode()  # noqa: RUF001
    assert not Partner.objects.exists()
    assert stored_files(media) == []


def test_admin_refuses_a_text_file_named_jpg(admin_client, network, media):
    response = admin_client.post(
        "/beheer/network/partner/add/",
        {
            "network": network.pk,
            "name": "Fonds",
            "kind": "funder",
            "url": "",
            "attribution": "",
            "logo": SimpleUploadedFile("foto.jpg", b"geen foto"),
            "logo_alt": "Logo",
            "position": 0,
        },
    )

    assert response.status_code == 200
    assert NOT_AN_IMAGE in response.content.decode()
    assert not Partner.objects.exists()
    assert stored_files(media) == []


# Stored files: upright, without metadata, with renditions.


def test_png_with_gps_is_stored_without_any_exif_or_text(network, media):
    text = PngInfo()
    text.add_text("Comment", "thuisadres Kerkstraat 1")
    content = image_bytes("PNG", exif=gps_exif(), pnginfo=text)
    assert Image.open(BytesIO(content)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file does carry GPS

    partner = save_partner(network, content)

    stored = open_stored(media, partner.logo.name)
    assert stored.format == "PNG"
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert dict(stored.getexif()) == {}
    assert b"Kerkstraat" not in (media / partner.logo.name).read_bytes()


def test_jpeg_is_turned_upright_and_loses_gps_xmp_and_comment_but_keeps_its_colour_profile(network, media):
    image = Image.new("RGB", (400, 200), "red")
    image.paste("blue", (200, 0, 400, 200))
    buffer = BytesIO()
    image.save(
        buffer,
        "JPEG",
        exif=gps_exif(orientation=6),
        icc_profile=SRGB,
        xmp=b"<x:xmpmeta>GPSLatitude 50.9</x:xmpmeta>",
        comment=b"thuisadres",
    )

    partner = save_partner(network, buffer.getvalue(), name="foto.jpeg")

    assert partner.logo.name == "partners/foto.jpg"
    stored = open_stored(media, partner.logo.name)
    content = (media / partner.logo.name).read_bytes()
    assert dict(stored.getexif()) == {}
    assert b"xmpmeta" not in content and b"thuisadres" not in content
    assert stored.info.get("icc_profile") == SRGB
    # Orientation 6 means "turn a quarter clockwise": the left (red) half ends up on top.
    assert (stored.size, partner.logo_width, partner.logo_height) == ((200, 400), 200, 400)
    red, _green, blue = stored.getpixel((100, 50))
    assert red > 200 and blue < 60


def test_animated_gif_is_stored_as_its_first_frame(network, media):
    frames = [Image.new("P", (100, 100), colour) for colour in (1, 2, 3)]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"geheim")

    partner = save_partner(network, buffer.getvalue(), name="bewegend.gif")

    stored = open_stored(media, partner.logo.name)
    assert (stored.format, stored.n_frames) == ("GIF", 1)
    assert "comment" not in stored.info


@pytest.mark.parametrize(
    "size, widths",
    [((1000, 500), [320, 640, 960, 1000]), ((2400, 1200), [320, 640, 960, 1280, 1920]), ((200, 80), [200])],
)
def test_renditions_are_webp_named_after_the_original_at_each_width(network, media, size, widths):
    partner = save_partner(network, image_bytes("PNG", size=size), name="logo.png")

    assert partner.logo.name == "partners/logo.png"
    assert (partner.logo_width, partner.logo_height) == size
    assert stored_files(media) == sorted(["partners/logo.png", *(f"partners/logo.w{w}.webp" for w in widths)])
    for width in widths:
        rendition = open_stored(media, f"partners/logo.w{width}.webp")
        assert rendition.format == "WEBP"
        assert rendition.size == (width, round(size[1] * width / size[0]))


def test_renditions_keep_transparency(network, media):
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (100, 100, 300, 300))
    buffer = BytesIO()
    image.save(buffer, "PNG")

    partner = save_partner(network, buffer.getvalue())

    rendition = open_stored(media, partner.logo.name.replace(".png", ".w320.webp"))
    rendition.load()
    assert rendition.mode == "RGBA"
    assert rendition.getpixel((5, 5))[3] == 0
    assert rendition.getpixel((160, 160))[3] == 255


def test_a_png_named_jpg_is_stored_under_its_real_format(network, media):
    partner = save_partner(network, image_bytes("PNG", size=(100, 100)), name="logo.jpg")

    assert partner.logo.name == "partners/logo.png"
    assert open_stored(media, partner.logo.name).format == "PNG"


def test_originals_with_the_same_stem_do_not_share_renditions(network, media):
    first = save_partner(network, image_bytes("PNG", size=(400, 200), colour="red"), name="logo.png")
    second = save_partner(network, image_bytes("JPEG", size=(400, 200), colour="blue"), name="logo.jpg")
    third = save_partner(network, image_bytes("PNG", size=(400, 200)), name="logo.w320.webp")

    assert first.logo.name == "partners/logo.png"
    assert second.logo.name.startswith("partners/logo_") and second.logo.name.endswith(".jpg")
    assert third.logo.name == "partners/logo-w320.png"
    red, _green, blue = open_stored(media, "partners/logo.w320.webp").convert("RGB").getpixel((10, 10))
    assert red > 200 and blue < 60


def test_admin_stores_an_upload_without_gps(admin_client, network, media):
    response = admin_client.post(
        "/beheer/network/partner/add/",
        {
            "network": network.pk,
            "name": "Fonds",
            "kind": "funder",
            "url": "",
            "attribution": "",
            "logo": SimpleUploadedFile("foto.jpg", image_bytes("JPEG", size=(500, 300), exif=gps_exif())),
            "logo_alt": "Logo van Fonds",
            "position": 0,
        },
    )

    assert response.status_code == 302
    partner = Partner.objects.get()
    assert (partner.logo_width, partner.logo_height) == (500, 300)
    assert dict(open_stored(media, partner.logo.name).getexif()) == {}
    assert stored_files(media) == ["partners/foto.jpg", "partners/foto.w320.webp", "partners/foto.w500.webp"]


# Rendering: from the stored name and size alone.


def test_template_tag_offers_every_rendition_without_touching_storage(network, media, monkeypatch):
    form = partner_form(network, image_bytes("PNG", size=(1000, 500)), logo_alt='Fonds <b>"Samen"</b>')
    partner = Partner.objects.get(pk=form.save().pk)

    def no_storage_access(*args, **kwargs):
        raise AssertionError("rendering touched storage")

    for method in ("open", "exists", "size", "listdir"):
        monkeypatch.setattr(FileSystemStorage, method, no_storage_access)
    html = Template(
        '{% load images %}{% responsive_image partner.logo partner.logo_alt sizes="(min-width: 40em) 50vw, 100vw" '
        'class="partner__logo" %}'
    ).render(Context({"partner": partner}))

    assert "<b>" not in html
    [img] = rendered_images(html)
    assert img == {
        "src": "/media/partners/logo.w1000.webp",
        "srcset": "/media/partners/logo.w320.webp 320w, /media/partners/logo.w640.webp 640w, "
        "/media/partners/logo.w960.webp 960w, /media/partners/logo.w1000.webp 1000w",
        "sizes": "(min-width: 40em) 50vw, 100vw",
        "width": "1000",
        "height": "500",
        "alt": 'Fonds <b>"Samen"</b>',
        "loading": "lazy",
        "decoding": "async",
        "class": "partner__logo",
    }


def test_template_tag_keeps_the_aspect_ratio_of_a_large_image_and_allows_empty_alt(network):
    partner = save_partner(network, image_bytes("PNG", size=(2400, 1000)))

    html = Template('{% load images %}{% responsive_image logo "" sizes="48px" loading="eager" %}').render(
        Context({"logo": partner.logo})
    )

    [img] = rendered_images(html)
    assert (img["src"], img["width"], img["height"]) == ("/media/partners/logo.w1920.webp", "1920", "800")
    assert (img["alt"], img["loading"], "class" in img) == ("", "eager", False)


def test_template_tag_renders_nothing_for_an_empty_field(network):
    partner = Partner.objects.create(network=network, name="Zonder logo")

    html = Template('{% load images %}[{% responsive_image partner.logo "Logo" %}]').render(
        Context({"partner": partner})
    )

    assert html == "[]"


# Clean-up: replaced, cleared and deleted images leave no files behind, once committed.


def test_replacing_the_logo_deletes_the_old_file_and_its_renditions(
    network, media, django_capture_on_commit_callbacks
):
    partner = save_partner(network, image_bytes("PNG", size=(700, 700)), name="oud.png")
    form = partner_form(network, image_bytes("PNG", size=(300, 300)), name="nieuw.png", instance=partner)
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks(execute=True):
        form.save()

    assert stored_files(media) == ["partners/nieuw.png", "partners/nieuw.w300.webp"]


def test_clearing_the_logo_deletes_its_files(network, media, django_capture_on_commit_callbacks):
    partner = save_partner(network, image_bytes("PNG", size=(700, 700)))
    form = partner_form(network, None, instance=partner, **{"logo-clear": "on"})
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks(execute=True):
        form.save()

    partner.refresh_from_db()
    assert (partner.logo.name, partner.logo_width, partner.logo_height) == ("", None, None)
    assert stored_files(media) == []


def test_saving_without_a_new_file_keeps_the_files(network, media, django_capture_on_commit_callbacks):
    partner = save_partner(network, image_bytes("PNG", size=(700, 700)))
    before = stored_files(media)
    form = partner_form(network, None, instance=partner, name="Fonds (nieuwe naam)")
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks(execute=True):
        form.save()

    assert (
        stored_files(media)
        == before
        == ["partners/logo.png", "partners/logo.w320.webp", "partners/logo.w640.webp", "partners/logo.w700.webp"]
    )


def test_deleting_a_partner_deletes_its_files_once_committed(network, media, django_capture_on_commit_callbacks):
    partner = save_partner(network, image_bytes("PNG", size=(700, 700)))

    with django_capture_on_commit_callbacks() as callbacks:
        partner.delete()
    assert len(stored_files(media)) == 4  # nothing deleted before the commit
    for callback in callbacks:
        callback()

    assert stored_files(media) == []


def test_deleting_a_network_deletes_its_partners_logos(network, media, django_capture_on_commit_callbacks):
    save_partner(network, image_bytes("PNG", size=(400, 400)), name="een.png")
    save_partner(network, image_bytes("PNG", size=(400, 400)), name="twee.png")

    with django_capture_on_commit_callbacks(execute=True):
        network.delete()

    assert stored_files(media) == []


# The field itself and the command.


@isolate_apps("network")
def test_system_check_requires_width_and_height_fields():
    class Photo(models.Model):
        without_sizes = ResponsiveImageField(upload_to="photos/")
        wrong_name = ResponsiveImageField(upload_to="photos/", width_field="breedte", height_field="height")
        height = models.PositiveIntegerField(null=True)

        class Meta:
            app_label = "network"

        def __str__(self):
            return "photo"

    assert [error.id for error in Photo._meta.get_field("without_sizes").check()] == ["images.E001"]
    assert [error.id for error in Photo._meta.get_field("wrong_name").check()] == ["images.E002"]
    assert Partner._meta.get_field("logo").check() == []


def test_make_renditions_rebuilds_what_is_missing_and_then_nothing(network, media):
    partner = save_partner(network, image_bytes("PNG", size=(700, 350)))
    for width in (320, 700):
        (media / f"partners/logo.w{width}.webp").unlink()
    Partner.objects.filter(pk=partner.pk).update(logo_width=None, logo_height=None)
    first, second = StringIO(), StringIO()

    call_command("make_renditions", stdout=first)
    call_command("make_renditions", stdout=second)

    assert first.getvalue() == "Images checked: 1. Renditions made: 2.\n"
    assert second.getvalue() == "Images checked: 1. Renditions made: 0.\n"
    assert Partner.objects.values_list("logo_width", "logo_height").get() == (700, 350)
    assert open_stored(media, "partners/logo.w700.webp").size == (700, 350)
