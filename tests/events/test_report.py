"""After the event: a report (text and/or a document of the network) on the event's page once the event
has ended; sanitised, never a draft document, only the event's own network's documents; the cached
page is rebuilt when the report changes, and the audit trail records it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from tests.admin_forms import admin_form, admin_url
from tests.audit.conftest import entries_of
from tests.factories import DocumentFactory, StaffFactory, SuperuserFactory, make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

REPORT = "<p>We spraken over <strong>energiearmoede</strong>.</p>"


@pytest.fixture
def event(world):
    return make_event(world["bpa"], "trefdag", days=3, report_text=REPORT)


def report_section(client, event):
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<section class="event-report"') :] if 'class="event-report"' in html else None


def test_the_report_shows_only_once_the_event_has_ended(client, event, frozen):
    assert report_section(client, event) is None
    frozen.move_to(event.ends_at - datetime.timedelta(minutes=1))
    assert report_section(client, event) is None
    frozen.move_to(event.ends_at)
    section = report_section(client, event)
    assert f'<h2 id="report">{nl("Report")}</h2>' in section
    assert REPORT in section


def test_the_report_text_is_sanitised_on_save(world, event):
    event.report_text = '<p onclick="steal()">Verslag</p><script>alert(1)</script><h1>Groot</h1>'
    event.save()
    event.refresh_from_db()
    assert "script" not in event.report_text and "onclick" not in event.report_text
    assert "<h1>" not in event.report_text
    assert "Verslag" in event.report_text


def test_a_report_document_shows_once_published_and_the_event_over(client, world, event, frozen):
    document = DocumentFactory(network=world["bpa"], title="Verslag trefdag", published=False)
    event.report_text = ""
    event.report_document = document
    event.full_clean()
    event.save()
    frozen.move_to(event.ends_at + datetime.timedelta(days=1))
    assert report_section(client, event) is None, "a draft document is not shown"
    document.published = True
    document.save()
    section = report_section(client, event)
    assert "Verslag trefdag" in section and document.file.url in section


def test_a_report_document_of_another_network_is_refused(world, event):
    event.report_document = DocumentFactory(network=world["tpa"])
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "report_document" in error.value.message_dict


def test_an_editor_chooses_only_documents_of_their_own_networks(client, world, event):
    own = DocumentFactory(network=world["bpa"], title="Eigen verslag")
    other = DocumentFactory(network=world["tpa"], title="Vreemd verslag")
    data = admin_form(client, SuperuserFactory(), "events", "event", event)
    editor = StaffFactory(role="Netwerkredacteur", networks=[world["bpa"]])
    client.force_login(editor)
    html = client.get(admin_url("events", "event", "change", event)).content.decode()
    assert "Eigen verslag" in html and "Vreemd verslag" not in html
    data["report_document"] = str(other.pk)
    client.post(admin_url("events", "event", "change", event), data)
    event.refresh_from_db()
    assert event.report_document is None
    data["report_document"] = str(own.pk)
    response = client.post(admin_url("events", "event", "change", event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.report_document == own


def test_the_cached_page_is_rebuilt_when_the_report_changes(client, settings, world, event, frozen):
    settings.PAGE_CACHE_SECONDS = 300
    frozen.move_to(event.ends_at + datetime.timedelta(hours=1))
    client.get(event.get_absolute_url())
    assert client.get(event.get_absolute_url())["X-Page-Cache"] == "hit"
    event.report_text = "<p>Het verslag volgt.</p>"
    event.save()
    response = client.get(event.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Het verslag volgt." in response.content.decode()
    # Publishing the report's document, a change of the network's documents, rebuilds it too.
    document = DocumentFactory(network=world["bpa"], title="Verslag als pdf", published=False)
    event.report_document = document
    event.save()
    client.get(event.get_absolute_url())
    assert client.get(event.get_absolute_url())["X-Page-Cache"] == "hit"
    document.published = True
    document.save()
    response = client.get(event.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Verslag als pdf" in response.content.decode()


def test_the_audit_trail_records_the_report(client, world, event):
    superuser = SuperuserFactory()
    data = admin_form(client, superuser, "events", "event", event)
    data["report_text"] = "<p>Nieuw verslag</p>"
    assert client.post(admin_url("events", "event", "change", event), data).status_code == 302
    entry = entries_of(event)[-1]
    assert entry.event == AuditEntry.Event.CHANGED
    # Rich text is kept in the trail as its plain text.
    assert entry.changes["report_text"] == ["We spraken over energiearmoede.", "Nieuw verslag"]
