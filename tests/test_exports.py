"""Every spreadsheet export keeps a hostile cell inert (issue 17, point 7).

An association editor saved the name `=HYPERLINK("https://example.invalid","Klik")`: it was
a live formula in the open data CSV and in the admin's CSV and XLSX exports. Each export is
fetched here as staff or a visitor would, and every hostile text must come out as plain text:
in CSV with a single quote in front, in XLSX as a string cell with no <f> element.
"""

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import User
from django.utils import timezone

from associations.models import Association
from associations.resources import AssociationResource, import_associations
from campaigns.models import Campaign, Signature
from core.csvexport import neutralise, restore, safe_cell, safe_value
from events.models import Event, Registration
from network.models import Network
from newsletter.models import MailingList
from tests.admin_forms import admin_form_data
from tests.factories import make_subscriber
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://example.invalid","Klik")'
HOSTILE = [
    HYPERLINK,
    "==HYPERLINK(1)",  # django-import-export's own escaping drops only one "="
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",  # after leading spaces, as some programs read it
    "\uff1d1+1",  # full-width equals sign
]
HARMLESS = ["De Vonk", "'t Pleintje", "3 + 4", "a=b", ""]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_rule_quotes_every_formula_and_undoes_it_on_import(text):
    assert neutralise(text) == "'" + text
    assert safe_cell(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_the_rule_leaves_plain_text_and_numbers_alone(text):
    assert neutralise(text) == text
    assert restore(text) == text
    assert safe_value(-3.5) == -3.5 and safe_value(datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 1)


def csv_cells(response, byte_order_mark=True):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf") == byte_order_mark
    return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]


def assert_inert_csv(cells, texts=HOSTILE):
    """Each hostile text is there, quoted; no cell starts like a formula."""
    for text in texts:
        assert "'" + text in cells, text
    for cell in cells:
        assert not re.match(r"\s*[=+\-@\uff1d\uff0b\uff0d\uff20]", cell) and not cell.startswith(("\t", "\r")), cell


@pytest.fixture
def network():
    return Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>x</p>"
    )


@pytest.fixture
def hostile_associations(network):
    for number, text in enumerate(HOSTILE):
        Association.objects.create(
            network=network,
            name=text,
            slug=f"vereniging-{number}",
            municipality=text,
            postcode="2870",
            intro="Samen.",
            description="<p>Samen.</p>",
            phone="+32 3 123 45 67",
        )


@pytest.fixture
def superuser(client):
    user = with_mfa(User.objects.create_superuser("super", "super@example.org", "x"))
    client.force_login(user)
    return user


def test_open_data_csv_neutralises_formulas(client, hostile_associations):
    assert_inert_csv(csv_cells(client.get("/verenigingen/open-data.csv")))


def admin_export(client, format_name):
    """The admin's export of associations, in the format of that name, as a browser submits the form."""
    page = client.get("/beheer/associations/association/export/")
    assert page.status_code == 200
    html = page.content.decode()
    data = admin_form_data(html, action="")
    select = html[html.index('name="format"') : html.index("</select>", html.index('name="format"'))]
    data["format"] = next(
        part.split('"')[1] for part in select.split("value=")[1:] if f">{format_name}<" in part.lower()
    )
    return client.post("/beheer/associations/association/export/", data)


def test_admin_csv_export_neutralises_formulas(client, superuser, hostile_associations):
    cells = csv_cells(admin_export(client, "csv"), byte_order_mark=False)
    assert_inert_csv(cells)
    assert "'+32 3 123 45 67" in cells


def test_admin_xlsx_export_writes_strings_never_formulas(client, superuser, hostile_associations):
    response = admin_export(client, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<(\w+:)?f[\s>/]", sheet) for sheet in sheets)

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    header, *rows = workbook.active.iter_rows()
    names = [row[[cell.value for cell in header].index("naam")] for row in rows]
    assert len(names) == len(HOSTILE)
    for cell in names:
        assert cell.data_type == "s" and cell.value.startswith("'"), cell.value
    # XML reads a carriage return as a line feed; the text is the same otherwise.
    assert sorted(cell.value for cell in names) == sorted("'" + text.replace("\r", "\n") for text in HOSTILE)
    assert not [cell for row in rows for cell in row if cell.data_type == "f"]


def test_xlsx_export_of_formula_names_imports_again_unchanged(network, hostile_associations):
    # XML reads a carriage return as a line feed, whatever our rule does.
    Association.objects.filter(name__startswith="\r").delete()
    before = dict(Association.objects.values_list("slug", "name"))
    dataset = tablib.Dataset().load(AssociationResource().export().export("xlsx"), format="xlsx")
    result = import_associations(dataset, dry_run=False)
    assert result.totals["skip"] == len(HOSTILE) - 1
    assert dict(Association.objects.values_list("slug", "name")) == before


def post_action(client, app_label, model, action, objects):
    return client.post(
        f"/beheer/{app_label}/{model}/",
        {"action": action, "_selected_action": [obj.pk for obj in objects], "index": "0", "select_across": "0"},
    )


def test_signature_exports_neutralise_formulas(client, superuser, network):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        network=network,
        title=HYPERLINK,
        slug="actie",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        intro="Uitleg.",
    )
    signatures = [
        Signature.objects.create(
            campaign=campaign,
            name=text,
            place=f"Gent {number}",
            email=f"teken{number}@example.org",
            consent_text="ok",
            confirmed_at=timezone.now(),
        )
        for number, text in enumerate(HOSTILE)
    ]
    assert_inert_csv(csv_cells(post_action(client, "campaigns", "signature", "export_csv", signatures)))
    by_campaign = post_action(client, "campaigns", "campaign", "export_signatures", [campaign])
    assert_inert_csv(csv_cells(by_campaign))


def test_registration_exports_neutralise_formulas(client, superuser, network):
    event = Event.objects.create(
        network=network,
        title=HYPERLINK,
        slug="overleg",
        intro="Uitleg.",
        description="<p>Uitleg.</p>",
        start_date=timezone.localdate() + datetime.timedelta(days=10),
        place_name="Zaal",
        municipality="Gent",
        registration_mode="formulier",
    )
    registrations = [
        Registration.objects.create(
            event=event, name=text, email=f"deelnemer{number}@example.org", association=text, remarks=text
        )
        for number, text in enumerate(HOSTILE)
    ]
    assert_inert_csv(csv_cells(post_action(client, "events", "registration", "export_csv", registrations)))
    assert_inert_csv(csv_cells(post_action(client, "events", "event", "export_registrations", [event])))


def test_subscriber_exports_neutralise_formulas(client, superuser, network):
    mailing_list = MailingList.objects.create(network=network, name=HYPERLINK, slug="nieuwsbrief")
    subscribers = [
        make_subscriber(f"abonnee{number}@example.org", mailing_list, name=text) for number, text in enumerate(HOSTILE)
    ]
    subscriptions = [subscriber.subscriptions.get() for subscriber in subscribers]
    assert_inert_csv(csv_cells(post_action(client, "newsletter", "subscription", "export_csv", subscriptions)))
    by_list = post_action(client, "newsletter", "mailinglist", "export_subscribers", [mailing_list])
    assert_inert_csv(csv_cells(by_list))
