"""The data migrations of issue 17, point 12, run against rows made before them.

Documents that were public stay public (nothing disappears from the site); a face photo
stored without recorded consent leaves the public media for a private folder, and the
constraint that follows holds.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("network", "0005_newspost_public_year"), ("campaigns", "0002_search_vector")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_documents_stay_published_and_photos_without_consent_leave_public_media(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    old = migrate(BEFORE)
    Network = old.get_model("network", "Network")
    network = Network.objects.create(name="NTA", short_name="NTA", slug="nta", region="vlaanderen", mission="x")
    old.get_model("network", "Document").objects.create(
        network=network, title="Jaarverslag", kind="verslag", date="2025-01-01", file="documents/2025/jaarverslag.pdf"
    )
    Campaign = old.get_model("campaigns", "Campaign")
    campaign = Campaign.objects.create(
        network=network, title="Actie", slug="actie", starts_on="2025-01-01", ends_on="2025-12-31", intro="x"
    )
    Face = old.get_model("campaigns", "Face")
    for name, consent in (("zonder", False), ("met", True)):
        for stored in (f"campaigns/faces/{name}.png", f"campaigns/faces/{name}.w320.webp"):
            default_storage.save(stored, ContentFile(f"pixels {name}".encode()))
        Face.objects.create(
            campaign=campaign,
            name=name,
            quote="q",
            photo=f"campaigns/faces/{name}.png",
            photo_width=320,
            photo_height=320,
            consent_recorded=consent,
            consent_recorded_on="2025-01-01" if consent else None,
        )
    without = Face.objects.get(name="zonder").pk

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert new.get_model("network", "Document").objects.get().published is True
    faces = {face.name: face for face in new.get_model("campaigns", "Face").objects.all()}
    assert (faces["zonder"].photo.name, faces["zonder"].photo_width) == ("", None)
    assert faces["met"].photo.name == "campaigns/faces/met.png"
    assert not default_storage.exists("campaigns/faces/zonder.png")
    assert not default_storage.exists("campaigns/faces/zonder.w320.webp")
    assert default_storage.exists("campaigns/faces/met.w320.webp")
    kept = tmp_path / "var" / "private" / "faces-without-consent" / str(without) / "zonder.png"
    assert kept.read_bytes() == b"pixels zonder"
