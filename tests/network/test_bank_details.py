"""Where gifts go is a superuser's change, and the network's editors hear of it (issue 17, point 12).

Any network editor could change the IBAN (and the BIC, beneficiary and reference) that the
donation page and its QR code show, and nobody was told.
"""

import pytest
from django.contrib.auth.models import Group, User

from network.donations import mask_iban
from network.models import Network, NetworkMembership
from network.permissions import Role
from tests.admin_forms import admin_form, admin_url
from tests.helpers import mail_body, with_mfa

pytestmark = pytest.mark.django_db

IBAN = "BE68539007547034"
OTHER_IBAN = "BE71096123456769"


def make_network(slug, **fields):
    return Network.objects.create(
        name=f"Netwerk {slug}",
        short_name=slug.upper(),
        slug=slug,
        region="vlaanderen",
        mission="<p>x</p>",
        iban=IBAN,
        bic="GKCCBEBB",
        beneficiary=f"Netwerk {slug} vzw",
        donation_reference=1234567890,
        **fields,
    )


def make_user(username, *, network=None, role=None, **fields):
    user = with_mfa(User.objects.create_user(username, f"{username}@example.org", "x", is_staff=True, **fields))
    if role:
        user.groups.add(Group.objects.get(name=role))
    if network:
        NetworkMembership.objects.create(user=user, network=network)
    return user


@pytest.fixture
def world():
    own, other = make_network("eigen"), make_network("ander")
    return {
        "own": own,
        "other": other,
        "superuser": with_mfa(
            User.objects.create_superuser("super", "super@example.org", "x", first_name="Sam", last_name="Beheer")
        ),
        "editor": make_user("redacteur", network=own, role=Role.NETWORK_EDITOR),
        "second_editor": make_user("tweede", network=own, role=Role.NETWORK_EDITOR),
        "newsletter_manager": make_user("nieuwsbrief", network=own, role=Role.NEWSLETTER_MANAGER),
        "other_editor": make_user("ander", network=other, role=Role.NETWORK_EDITOR),
    }


def test_mask_keeps_country_check_digits_and_last_four():
    assert mask_iban("BE68 5390 0754 7034") == "BE68 •••• •••• 7034"


def test_an_editors_post_changing_the_bank_details_changes_nothing(client, world, smtp_sink):
    network = world["own"]
    data = admin_form(client, world["superuser"], "network", "network", network)
    client.force_login(world["editor"])
    form = client.get(admin_url("network", "network", "change", network)).content.decode()
    for field in ("iban", "bic", "beneficiary", "donation_reference"):
        assert f'name="{field}"' not in form  # shown read-only

    data.update(
        {
            "iban": OTHER_IBAN,
            "bic": "BBRUBEBB",
            "beneficiary": "Iemand anders",
            "donation_reference": "1",
            "phone": "1",
        }
    )
    response = client.post(admin_url("network", "network", "change", network), data)

    assert response.status_code == 302  # the rest of the form is saved, the bank details are not
    network.refresh_from_db()
    assert (network.iban, network.bic, network.beneficiary, network.donation_reference) == (
        IBAN,
        "GKCCBEBB",
        "Netwerk eigen vzw",
        1234567890,
    )
    assert network.phone == "1"
    assert smtp_sink.messages == []


def test_a_superusers_change_is_mailed_to_the_networks_editors(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    network = world["own"]
    data = admin_form(client, world["superuser"], "network", "network", network)
    data.update({"iban": OTHER_IBAN, "beneficiary": "Netwerk eigen vzw (nieuw)"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url("network", "network", "change", network), data)
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.iban == OTHER_IBAN

    messages = smtp_sink.wait_for(2)
    assert sorted(message["To"] for message in messages) == ["redacteur@example.org", "tweede@example.org"]
    message = smtp_sink.to("redacteur@example.org")[0]
    assert message["Subject"] == "De bankgegevens van Netwerk eigen zijn gewijzigd"
    body = mail_body(message)
    assert "Sam Beheer heeft de bankgegevens van Netwerk eigen gewijzigd" in body
    assert "IBAN: BE68 •••• •••• 7034 → BE71 •••• •••• 6769" in body
    assert "Begunstigde: Netwerk eigen vzw → Netwerk eigen vzw (nieuw)" in body
    assert IBAN not in body and OTHER_IBAN not in body and "0961" not in body
    assert "BIC:" not in body  # only what changed


def test_a_change_of_other_fields_mails_nobody(client, world, smtp_sink, django_capture_on_commit_callbacks):
    network = world["own"]
    data = admin_form(client, world["superuser"], "network", "network", network)
    data["tagline"] = "Samen tegen armoede"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(admin_url("network", "network", "change", network), data).status_code == 302
    assert smtp_sink.messages == []
