"""Documents have a publication state (issue 17, point 12).

An attachment added to a draft news post was on /documenten/ and in search the moment it was
uploaded. A new document is now a draft: it appears nowhere public, its file has an address
nobody can guess, and the app does not serve it to visitors until it is published.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.models import CampaignDocument
from network.models import Document, Network, NetworkMembership, Theme
from network.permissions import Role
from news.models import NewsPost
from tests.admin_forms import admin_url
from tests.factories import make_campaign
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def nta():
    return Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>x</p>"
    )


@pytest.fixture
def wonen():
    return Theme.objects.create(name="Wonen", slug="wonen")


def document(network, title, *, published=None, kind=Document.Kind.POLICY, themes=()):
    fields = {} if published is None else {"published": published}
    created = Document.objects.create(
        network=network,
        title=title,
        kind=kind,
        date=datetime.date(2026, 1, 1),
        description="Over betaalbaar wonen.",
        file=SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.pdf", PDF),
        **fields,
    )
    created.themes.set(themes)
    return created


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_document_is_a_draft_in_a_folder_nobody_can_guess(nta):
    draft = document(nta, "Jaarverslag")
    assert draft.published is False
    year = timezone.localdate().year
    assert re.fullmatch(rf"documents/{year}/[A-Za-z0-9_-]{{22}}/jaarverslag\.pdf", draft.file.name)
    assert document(nta, "Jaarverslag").file.name.split("/")[2] != draft.file.name.split("/")[2]


def test_a_draft_is_listed_nowhere_public_and_a_published_one_everywhere(client, nta, wonen):
    draft = document(nta, "Klad woonbeleid", themes=[wonen])
    public = document(nta, "Dossier woonbeleid", published=True, themes=[wonen])
    draft_logo = document(nta, "Klad logo", kind=Document.Kind.LOGO)
    post = NewsPost.objects.create(
        network=nta,
        title="Nieuws met bijlagen",
        slug="nieuws-met-bijlagen",
        status=NewsPost.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
        lead="Kort.",
        body="<p>Tekst.</p>",
    )
    post.attachments.set([draft, public])
    campaign = make_campaign(nta)
    for position, item in enumerate([draft, public]):
        CampaignDocument.objects.create(campaign=campaign, document=item, position=position)

    pages = {
        "documents": text(client.get("/documenten/")),
        "theme": text(client.get("/themas/wonen/")),
        "search": text(client.get("/zoeken/", {"q": "woonbeleid"})),
        "news": text(client.get(post.get_absolute_url())),
        "campaign": text(client.get(campaign.get_absolute_url())),
    }
    for name, page in pages.items():
        assert "Klad woonbeleid" not in page and draft.file.url not in page, name
        assert "Dossier woonbeleid" in page and public.file.url in page, name
    assert 'id="logo-kit"' not in pages["documents"] and draft_logo.file.url not in pages["documents"]


def test_a_drafts_file_is_not_served_to_visitors(client, nta):
    draft = document(nta, "Klad")
    response = client.get(draft.file.url)
    assert response.status_code == 404

    draft.published = True
    draft.save()
    response = client.get(draft.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # Revalidated on every use: taking it offline again takes effect at once.
    assert response["Cache-Control"] == "public, no-cache"


def make_editor(username, network):
    user = with_mfa(User.objects.create_user(username, f"{username}@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.NETWORK_EDITOR))
    NetworkMembership.objects.create(user=user, network=network)
    return user


def test_a_drafts_file_is_served_to_its_networks_editors_only_never_cached(client, nta):
    draft = document(nta, "Klad")
    other = Network.objects.create(
        name="Trefpunt Armoede", short_name="TPA", slug="tpa", region="limburg", mission="<p>x</p>"
    )
    client.force_login(make_editor("ander", other))
    assert client.get(draft.file.url).status_code == 404

    client.force_login(make_editor("eigen", nta))
    response = client.get(draft.file.url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_editors_publish_and_take_offline_in_bulk_only_their_own(client, nta):
    other = Network.objects.create(
        name="Trefpunt Armoede", short_name="TPA", slug="tpa", region="limburg", mission="<p>x</p>"
    )
    mine, theirs = document(nta, "Eigen"), document(other, "Ander")
    client.force_login(make_editor("eigen", nta))
    changelist = admin_url("network", "document", "changelist")

    response = client.post(changelist, {"action": "publish_selected", "_selected_action": [mine.pk, theirs.pk]})
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.published, theirs.published) == (True, False)
    assert client.get(mine.file.url).status_code == 200

    client.post(changelist, {"action": "unpublish_selected", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.published is False
    client.logout()
    assert client.get(mine.file.url).status_code == 404


def test_the_admin_add_form_starts_as_a_draft(client, nta):
    client.force_login(make_editor("eigen", nta))
    page = text(client.get(admin_url("network", "document", "add")))
    checkbox = re.search(r'<input type="checkbox" name="published"[^>]*>', page).group(0)
    assert "checked" not in checkbox
