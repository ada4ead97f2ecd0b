"""Uploads on S3-compatible object storage (django-storages), against moto's S3 emulator.

The settings are the ones config/settings.py makes from the environment (README: configuration),
read again here with the bucket's variables set.
"""

import datetime
import runpy
from io import BytesIO

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from storages.backends.s3 import S3Storage

from core.images import ensure_renditions
from network.models import Document, Network
from news.models import NewsPost
from tests.helpers import PROJECT_DIR

pytestmark = pytest.mark.django_db

S3_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "DJANGO_SERVE_MEDIA",
)


def settings_from_environment(monkeypatch, **variables):
    """config/settings.py run again with these variables (and no other S3 ones) in the environment."""
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(PROJECT_DIR / "config" / "settings.py"))


@pytest.fixture
def media_on_s3(settings, s3_bucket, monkeypatch):
    computed = settings_from_environment(monkeypatch, **s3_bucket.env)
    settings.STORAGES = {**settings.STORAGES, "default": computed["STORAGES"]["default"]}
    settings.MEDIA_URL = computed["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = computed["CONTENT_SECURITY_POLICY"]
    return s3_bucket


@pytest.fixture
def network():
    return Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>Samen.</p>"
    )


def photo_with_gps(size=(1000, 500)):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (50.0, 55.0, 30.0)}
    buffer = BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def news_post(network, **fields):
    return NewsPost.objects.create(
        network=network,
        title="Een bericht met een foto",
        slug="een-bericht-met-een-foto",
        status=NewsPost.Status.PUBLISHED,
        lead="Kort.",
        body="<p>Tekst.</p>",
        hero_image=photo_with_gps(),
        hero_alt="Een blauw vlak",
        **fields,
    )


def test_settings_put_media_in_the_bucket_at_stable_public_addresses(monkeypatch):
    local = settings_from_environment(monkeypatch)
    assert local["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["SERVE_MEDIA"] is True
    assert local["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'"]

    cases = [
        ({"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000/"}, "http://127.0.0.1:9000", "http://127.0.0.1:9000/media/"),
        (
            {"AWS_S3_REGION_NAME": "eu-west-3"},
            "https://media.s3.eu-west-3.amazonaws.com",
            "https://media.s3.eu-west-3.amazonaws.com/",
        ),
        (
            {"AWS_S3_CUSTOM_DOMAIN": "media.netwerktegenarmoede.be", "AWS_S3_REGION_NAME": "eu-west-3"},
            "https://media.netwerktegenarmoede.be",
            "https://media.netwerktegenarmoede.be/",
        ),
    ]
    for variables, origin, base in cases:
        computed = settings_from_environment(monkeypatch, AWS_STORAGE_BUCKET_NAME="media", **variables)
        options = computed["STORAGES"]["default"]["OPTIONS"]
        assert computed["STORAGES"]["default"]["BACKEND"] == "core.storage.MediaS3Storage"
        assert computed["MEDIA_ORIGIN"] == origin
        assert computed["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", origin]
        assert computed["SERVE_MEDIA"] is False, "object storage serves the files, not the app"
        # Public, unsigned, never overwritten: addresses in cached pages stay valid.
        assert options["querystring_auth"] is False
        assert options["file_overwrite"] is False
        url = S3Storage(**options).url("documents/2025/jaar verslag.pdf")
        assert url == base + "documents/2025/jaar%20verslag.pdf"


def test_an_uploaded_image_and_its_renditions_live_in_the_bucket(media_on_s3, network):
    post = news_post(network)
    assert media_on_s3.stored_keys() == [
        "news/foto.jpg",
        "news/foto.w1000.webp",
        "news/foto.w320.webp",
        "news/foto.w640.webp",
        "news/foto.w960.webp",
    ]
    rendition = requests.get(f"{media_on_s3.endpoint}/{media_on_s3.name}/news/foto.w640.webp", timeout=10)
    assert rendition.status_code == 200
    assert rendition.headers["Cache-Control"] == "public, max-age=604800"
    assert Image.open(BytesIO(rendition.content)).size == (640, 320)
    original = requests.get(post.hero_image.url, timeout=10)
    assert original.status_code == 200
    assert ExifTags.IFD.GPSInfo not in Image.open(BytesIO(original.content)).getexif(), "GPS must be gone"


def test_pages_point_at_the_bucket_and_the_policy_allows_it(media_on_s3, network, client):
    post = news_post(network)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    base = f"{media_on_s3.endpoint}/{media_on_s3.name}/news/foto"
    assert f'srcset="{base}.w320.webp 320w, {base}.w640.webp 640w' in page
    assert f'<meta property="og:image" content="{base}.jpg">' in page
    img_src = next(part for part in response["Content-Security-Policy"].split(";") if "img-src" in part)
    assert img_src.split() == ["img-src", "'self'", media_on_s3.endpoint]


def test_a_replaced_image_leaves_nothing_behind(media_on_s3, network, django_capture_on_commit_callbacks):
    post = news_post(network)
    with django_capture_on_commit_callbacks(execute=True):
        post.hero_image = photo_with_gps(size=(400, 300))
        post.save()
    stem = post.hero_image.name.removesuffix(".jpg")
    assert media_on_s3.stored_keys() == [f"{stem}.jpg", f"{stem}.w320.webp", f"{stem}.w400.webp"]
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert media_on_s3.stored_keys() == []


def test_missing_renditions_are_made_again_from_the_stored_original(media_on_s3, network):
    post = news_post(network)
    media_on_s3.client.delete_object(Bucket=media_on_s3.name, Key="news/foto.w320.webp")
    assert ensure_renditions(post.hero_image) == 1
    assert "news/foto.w320.webp" in media_on_s3.stored_keys()


def test_documents_with_the_same_name_never_overwrite_each_other(media_on_s3, network):
    documents = [
        Document.objects.create(
            network=network,
            title=f"Jaarverslag {version}",
            date=datetime.date(2025, 5, 1),
            file=SimpleUploadedFile("jaarverslag.pdf", b"%PDF-1.4 versie " + version.encode()),
        )
        for version in ("een", "twee")
    ]
    assert documents[0].file.name != documents[1].file.name
    for document, version in zip(documents, ("een", "twee"), strict=True):
        assert document.size == len(b"%PDF-1.4 versie " + version.encode())
        assert requests.get(document.file.url, timeout=10).content.endswith(version.encode())


def test_an_svg_is_served_from_the_bucket_as_a_download_and_types_come_from_the_name(media_on_s3, network):
    """S3 cannot send our Content-Security-Policy: an SVG opened on its own is downloaded instead
    of shown, and no upload is served as the type its browser claimed (issue 17, point 8)."""
    logo = Document.objects.create(
        network=network,
        title="Logo",
        kind=Document.Kind.LOGO,
        date=datetime.date(2025, 5, 1),
        published=True,
        file=SimpleUploadedFile(
            "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', "text/html"
        ),
    )
    pdf = Document.objects.create(
        network=network,
        title="Verslag",
        date=datetime.date(2025, 5, 1),
        published=True,
        file=SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 <script>alert(1)</script>", content_type="text/html"),
    )
    svg = requests.get(logo.file.url, timeout=10)
    assert svg.headers["Content-Type"] == "image/svg+xml"
    assert svg.headers["Content-Disposition"] == "attachment"
    assert requests.get(pdf.file.url, timeout=10).headers["Content-Type"] == "application/pdf"
