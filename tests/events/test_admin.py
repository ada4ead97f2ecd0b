"""The calendar in the admin: every role x model x own and other network, forged posts, the
registrations export (CSV) limited to the user's networks, and seats given out when capacity grows."""

import csv
import io

import pytest
from django.core import mail

from events.models import Event, Registration
from network.permissions import Role
from tests.admin_forms import admin_form, admin_url
from tests.factories import StaffFactory, SuperuserFactory, make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

ALL = {"view", "add", "change", "delete"}
# What each role may do per model with objects of its own network; with another network's
# objects only the superuser may do anything.
ROLES = {
    "superuser": {"event": ALL, "registration": {"view", "delete"}},
    "network_editor": {"event": ALL, "registration": {"view"}},
    "newsletter_manager": {"event": set(), "registration": set()},
    "association_editor": {"event": set(), "registration": set()},
}
GROUPS = {
    "network_editor": Role.NETWORK_EDITOR,
    "newsletter_manager": Role.NEWSLETTER_MANAGER,
    "association_editor": Role.ASSOCIATION_EDITOR,
}


def registration(event, name, **fields):
    """A registration its registrant confirmed (with a seat) unless `fields` say otherwise."""
    fields.setdefault("status", Registration.Status.CONFIRMED)
    return Registration.objects.create(
        event=event, name=name, email=f"{name.lower().replace(' ', '.')}@example.org", **fields
    )


@pytest.fixture
def staff(world):
    own, other = world["bpa"], world["tpa"]
    objects = {}
    for side, network in (("own", own), ("other", other)):
        event = make_event(network, f"overleg-{network.slug}", registration_mode="formulier", capacity=3)
        objects[side] = {
            "event": event,
            "registration": registration(event, f"Deelnemer {network.slug}", people=2, needs_diet=True),
        }
    users = {"superuser": SuperuserFactory(username="super")}
    for role, group in GROUPS.items():
        users[role] = StaffFactory(username=role, role=group, networks=[own])
    return {"objects": objects, "users": users, "own": own, "other": other}


def url(model, action, obj=None):
    return admin_url("events", model, action, obj)


def allowed(role, model, side, action):
    return action in ROLES[role][model] and (role == "superuser" or side == "own")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["event", "registration"])
def test_list_shows_only_the_users_networks(client, staff, role, model):
    client.force_login(staff["users"][role])
    response = client.get(url(model, "changelist"))
    if not ROLES[role][model]:
        assert response.status_code == 403
        return
    html = response.content.decode()
    for side in ("own", "other"):
        assert (url(model, "change", staff["objects"][side][model]) in html) == allowed(role, model, side, "view")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["event", "registration"])
@pytest.mark.parametrize("side", ["own", "other"])
def test_change_page_and_delete(client, staff, role, model, side):
    obj = staff["objects"][side][model]
    client.force_login(staff["users"][role])
    response = client.get(url(model, "change", obj))
    if allowed(role, model, side, "view"):
        assert response.status_code == 200
    else:
        # Without the permission 403; another network's object is outside the list: the admin
        # redirects as for an object that does not exist.
        assert response.status_code == (302 if ROLES[role][model] else 403)
        assert str(obj) not in response.content.decode()
    if model == "event":  # one without registrations: those are for superusers to erase (see below)
        obj = make_event(staff[side], f"los-{side}")
    response = client.post(url(model, "delete", obj), {"post": "yes"})
    if allowed(role, model, side, "delete"):
        assert response.status_code == 302
    else:
        assert response.status_code == (302 if "delete" in ROLES[role][model] else 403)
    assert (not type(obj).objects.filter(pk=obj.pk).exists()) == allowed(role, model, side, "delete")


def test_an_event_with_registrations_is_cancelled_by_editors_not_deleted(client, staff):
    """Registrations are personal data the editors may read, not erase: the event stays, with its list."""
    event = staff["objects"]["own"]["event"]
    client.force_login(staff["users"]["network_editor"])
    response = client.post(url("event", "delete", event), {"post": "yes"})
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists() and Registration.objects.filter(event=event).exists()


def test_editor_reads_the_registrations_of_their_event_but_cannot_change_them(client, staff):
    client.force_login(staff["users"]["network_editor"])
    event = staff["objects"]["own"]["event"]
    html = client.get(url("event", "change", event)).content.decode()
    assert "Deelnemer bpa" in html and "deelnemer.bpa@example.org" in html
    assert client.get(url("registration", "add")).status_code == 403
    registration_page = client.get(url("registration", "change", staff["objects"]["own"]["registration"]))
    assert 'name="name"' not in registration_page.content.decode(), "read only"


def test_the_network_sees_why_one_registration_books_several_seats(client, staff):
    """Issue 17: one address booked 10 seats at a time; a group now says who comes, for the network to read."""
    event = staff["objects"]["own"]["event"]
    reason = "Vier leden van De Kring komen mee."
    group = registration(event, "Groep", people=4, group_reason=reason, status="wachtlijst")
    client.force_login(staff["users"]["network_editor"])
    for page in (
        url("registration", "changelist"),
        url("registration", "change", group),
        url("event", "change", event),
    ):
        html = client.get(page).content.decode()
        assert reason in html and nl("who comes along").lower() in html.lower(), page


def test_editor_cannot_add_an_event_to_another_network(client, staff):
    data = admin_form(client, staff["users"]["superuser"], "events", "event")
    data.update(
        {
            "network": str(staff["other"].pk),
            "title": "Ingeslopen",
            "slug": "ingeslopen",
            "intro": "x",
            "start_date": "2026-11-05",
            "start_time": "10:00",
            "end_time": "12:00",
            "place_name": "Zaal",
            "municipality": "Genk",
            "registration_mode": "geen",
            "status": "gepland",
        }
    )
    client.force_login(staff["users"]["network_editor"])
    response = client.post(url("event", "add"), data)
    assert not Event.objects.filter(slug="ingeslopen").exists()
    assert "Selecteer een geldige keuze" in response.content.decode()
    data["network"] = str(staff["own"].pk)
    response = client.post(url("event", "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.get(slug="ingeslopen").network == staff["own"]


def test_editor_cannot_move_an_event_to_another_network(client, staff):
    event = staff["objects"]["own"]["event"]
    data = admin_form(client, staff["users"]["superuser"], "events", "event", event)
    data["network"] = str(staff["other"].pk)
    client.force_login(staff["users"]["network_editor"])
    client.post(url("event", "change", event), data)
    event.refresh_from_db()
    assert event.network == staff["own"]


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def export(client, model, action, objects):
    return client.post(
        url(model, "changelist"), {"action": action, "_selected_action": [str(obj.pk) for obj in objects]}
    )


def test_export_of_registrations_is_limited_to_the_users_networks(client, staff):
    own, other = staff["objects"]["own"], staff["objects"]["other"]
    client.force_login(staff["users"]["network_editor"])
    # A forged post naming the other network's registrations too.
    rows = read_csv(export(client, "registration", "export_csv", [own["registration"], other["registration"]]))
    assert rows[0][:3] == [nl("event"), nl("start date"), nl("name")]
    assert [row[2] for row in rows[1:]] == ["Deelnemer bpa"]
    # Only the other network's: nothing of it comes out.
    response = export(client, "registration", "export_csv", [other["registration"]])
    assert "Deelnemer tpa" not in response.content.decode()
    # The same through the events' action.
    rows = read_csv(export(client, "event", "export_registrations", [own["event"], other["event"]]))
    assert [row[2] for row in rows[1:]] == ["Deelnemer bpa"]
    assert "Deelnemer tpa" not in export(client, "event", "export_registrations", [other["event"]]).content.decode()


@pytest.mark.parametrize("role", ["newsletter_manager", "association_editor"])
def test_other_roles_cannot_export(client, staff, role):
    client.force_login(staff["users"][role])
    for model, action in [("registration", "export_csv"), ("event", "export_registrations")]:
        response = export(client, model, action, [staff["objects"]["own"][model]])
        assert response.status_code == 403
        assert "Deelnemer" not in response.content.decode()


def test_export_content_and_formulas_neutralised(client, staff):
    event = staff["objects"]["own"]["event"]
    registration(
        event,
        '=HYPERLINK("https://evil.example")',
        association="+32 De Kring",
        remarks="@SUM(A1)",
        people=4,
        group_reason="-2+3 mijn gezin",
    )
    client.force_login(staff["users"]["superuser"])
    rows = read_csv(export(client, "registration", "export_csv", Registration.objects.filter(event=event)))
    assert rows[0][5:7] == [nl("number of people"), nl("who comes along")]
    first = rows[1]
    assert first[0] == event.title and first[1] == event.start_date.isoformat()
    assert first[5] == "2" and first[6] == "" and first[9] == nl("yes") and first[11] == nl("Confirmed")
    formula = rows[2]
    assert formula[2] == '\'=HYPERLINK("https://evil.example")'
    assert formula[4] == "'+32 De Kring" and formula[10] == "'@SUM(A1)"
    # Why one registration books four seats: the network sees it in the export too.
    assert formula[5:7] == ["4", "'-2+3 mijn gezin"]


def test_a_larger_capacity_gives_seats_to_the_waiting_list(client, staff):
    event = staff["objects"]["own"]["event"]  # capacity 3, 2 taken
    waiting = registration(event, "Wachtende", people=2, status="wachtlijst")
    data = admin_form(client, staff["users"]["network_editor"], "events", "event", event)
    data["capacity"] = "4"
    response = client.post(url("event", "change", event), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    waiting.refresh_from_db()
    assert waiting.status == "bevestigd"
    assert [message.to for message in mail.outbox] == [["wachtende@example.org"]]
    assert "/agenda/inschrijving/annuleren/" in mail.outbox[0].body


def test_deleting_a_registration_gives_its_seats_to_the_waiting_list(client, staff):
    event = staff["objects"]["own"]["event"]
    waiting = registration(event, "Wachtende", people=3, status="wachtlijst")
    client.force_login(staff["users"]["superuser"])
    client.post(url("registration", "delete", staff["objects"]["own"]["registration"]), {"post": "yes"})
    waiting.refresh_from_db()
    assert waiting.status == "bevestigd"


@pytest.mark.parametrize(("status", "subject"), [("geannuleerd", "Geannuleerd"), ("uitgesteld", "Uitgesteld")])
def test_cancelling_or_postponing_tells_everyone_registered(client, staff, status, subject):
    event = staff["objects"]["own"]["event"]
    registration(event, "Wachtende", people=2, status="wachtlijst")
    registration(event, "Afgemeld", status="geannuleerd")
    registration(event, "Onbevestigd", status="onbevestigd")  # never confirmed: maybe not even a real address
    data = admin_form(client, staff["users"]["network_editor"], "events", "event", event)
    data.update(status=status, status_reason="De zaal is onder water gelopen.")
    response = client.post(url("event", "change", event), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"deelnemer.{staff['own'].slug}@example.org",
        "wachtende@example.org",
    ]
    assert all(message.subject.startswith(subject) for message in mail.outbox)
    assert all("De zaal is onder water gelopen." in message.body for message in mail.outbox)
    # Saving again without a change of status sends nothing more.
    mail.outbox.clear()
    client.post(url("event", "change", event), data)
    assert mail.outbox == []
