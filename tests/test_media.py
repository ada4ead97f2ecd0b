"""Uploads served by the app (core/media.py): the apps' guards decide per folder, core names no app."""

import pytest

from core import media


def test_a_media_folder_has_one_guard():
    network_guard = media.GUARDS["documents/"]

    def another_guard(request, path):
        return media.Access.PUBLIC

    with pytest.raises(ValueError, match="documents/"):
        media.register_guard("documents/", another_guard)
    # The same guard again (an app's ready() run twice) changes nothing.
    media.register_guard("documents/", network_guard)
    assert media.GUARDS["documents/"] is network_guard


@pytest.mark.django_db
def test_a_file_no_app_guards_is_public_for_a_week(client, settings):
    (settings.MEDIA_ROOT / "partners").mkdir()
    (settings.MEDIA_ROOT / "partners" / "logo.png").write_bytes(b"png")

    response = client.get("/media/partners/logo.png")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=604800"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers
    assert client.get("/media/partners/other.png").status_code == 404
