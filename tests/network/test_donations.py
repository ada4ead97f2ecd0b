"""Donations: the structured communication, IBANs, the EPC QR code and the /steun-ons/ page."""

import html
import io
import re

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from network.donations import (
    epc_payload,
    is_valid_iban,
    is_valid_structured_communication,
    structured_communication,
    validate_iban,
)
from network.models import Page, Partner
from tests.factories import NetworkFactory

IBAN = "BE68 5390 0754 7034"
OTHER_IBAN = "BE71 0961 2345 6769"


def donations_network(**fields):
    """A network that asks for gifts: account, reference, tax certificate."""
    values = {
        "name": "Netwerk tegen Armoede",
        "short_name": "NTA",
        "slug": "netwerk-tegen-armoede",
        "mission": "<p>Verenigingen waar armen het woord nemen.</p>",
        "iban": IBAN,
        "bic": "TRIOBEBB",
        "beneficiary": "Netwerk tegen Armoede vzw",
        "donation_reference": 1234567890,
        "tax_certificate": True,
        "email": "info@example.org",
        "phone": "02 123 45 67",
    }
    return NetworkFactory(**{**values, **fields})


def dutch(msgid, **values):
    """The text a visitor reads for `msgid`, with the same values the template puts in."""
    with translation.override("nl"):
        text = gettext(msgid)
    return text % values if values else text


def page_text(response):
    return html.unescape(response.content.decode())


def decode_qr(png):
    barcodes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(barcodes) == 1, "expected exactly one readable QR code"
    return barcodes[0].text.split("\n")


def qr_src(response):
    match = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)"', response.content.decode())
    assert match, "the page shows no QR code image"
    return html.unescape(match[1]), int(match[2]), int(match[3]), html.unescape(match[4])


# The structured communication (OGM/VCS)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1234567890, "+++123/4567/89002+++"),
        (108068171, "+++010/8068/17183+++"),
        (909337554, "+++090/9337/55493+++"),
        (1, "+++000/0000/00101+++"),
        (9999999999, "+++999/9999/99948+++"),
    ],
)
def test_structured_communication_has_the_bank_check_digits(number, expected):
    assert structured_communication(number) == expected


@pytest.mark.parametrize(("number", "expected"), [(97, "+++000/0000/09797+++"), (9700, "+++000/0009/70097+++")])
def test_structured_communication_uses_97_when_the_number_divides_by_97(number, expected):
    assert structured_communication(number) == expected


@pytest.mark.parametrize("number", [1, 97, 4242, 1234567890, 9999999999])
def test_structured_communication_round_trips_and_a_typo_is_caught(number):
    communication = structured_communication(number)
    assert is_valid_structured_communication(communication)
    assert is_valid_structured_communication(communication.replace("+", "*"))
    assert is_valid_structured_communication(re.sub(r"\D", "", communication))
    last = communication[-4]
    typo = communication[:-4] + str((int(last) + 1) % 10) + communication[-3:]
    assert not is_valid_structured_communication(typo)


@pytest.mark.parametrize("number", [0, 10**10, -5])
def test_structured_communication_refuses_numbers_out_of_range(number):
    with pytest.raises(ValueError):
        structured_communication(number)


# IBAN


@pytest.mark.parametrize("iban", [IBAN, OTHER_IBAN, "be62510007547061", "BE62 5100 0754 7061"])
def test_belgian_ibans_are_valid(iban):
    assert is_valid_iban(iban)
    validate_iban(iban)


@pytest.mark.parametrize("iban", ["BE69 5390 0754 7034", "BE68 5390 0754 7035", "BE68 5390 0754", ""])
def test_iban_with_a_wrong_check_digit_or_length_is_refused(iban):
    assert not is_valid_iban(iban)
    with pytest.raises(ValidationError):
        validate_iban(iban)


# The EPC payload


def test_epc_payload_has_the_lines_a_banking_app_reads():
    payload = epc_payload(
        beneficiary="Netwerk tegen Armoede vzw",
        iban=IBAN,
        bic="triobebb",
        amount="12.50",
        structured_reference="+++123/4567/89002+++",
    )
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "TRIOBEBB",
        "Netwerk tegen Armoede vzw",
        "BE68539007547034",
        "EUR12.50",
        "",
        "123456789002",
    ]


def test_epc_payload_without_amount_or_reference_ends_at_the_iban():
    payload = epc_payload(beneficiary="Trefpunt Armoede", iban=OTHER_IBAN)
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "", "Trefpunt Armoede", "BE71096123456769"]


# The page


@pytest.mark.django_db
def test_donate_page_shows_bank_data_communication_and_tax_rule(client):
    network = donations_network()
    response = client.get(f"/netwerken/{network.slug}/steun-ons/")
    assert response.status_code == 200
    text = page_text(response)
    assert "BE68 5390 0754 7034" in text
    assert "TRIOBEBB" in text
    assert "Netwerk tegen Armoede vzw" in text
    assert "+++123/4567/89002+++" in text
    assert dutch("Tax certificate") in text
    assert (
        dutch("A gift of %(gift)s euro costs you %(cost)s euro after the tax reduction.", gift="40", cost="22") in text
    )
    rule = (
        "Do you give at least %(minimum)s euro to %(name)s in one calendar year? Then you get a tax certificate,"
        " and a tax reduction of %(rate)s%% of your gifts."
    )
    assert dutch(rule, minimum="40", name="NTA", rate="45") in text
    assert text.count("<h1>") == 1
    assert '<form class="donate-amount" method="get"' in text
    assert "csrfmiddlewaretoken" not in text
    assert not response.cookies


@pytest.mark.django_db
def test_steun_ons_shows_the_main_network(client):
    donations_network(name="Trefpunt Armoede", short_name="TPA", slug="trefpunt", iban=OTHER_IBAN, position=2)
    donations_network(position=1)
    text = page_text(client.get("/steun-ons/"))
    assert "BE68 5390 0754 7034" in text
    assert "BE71 0961 2345 6769" not in text


@pytest.mark.django_db
def test_steun_ons_without_any_network_is_not_found(client):
    assert client.get("/steun-ons/").status_code == 404
    assert client.get("/steun-ons/qr.png").status_code == 404


@pytest.mark.django_db
def test_page_without_reference_or_tax_certificate_leaves_them_out(client):
    network = donations_network(donation_reference=None, tax_certificate=False)
    text = page_text(client.get(f"/netwerken/{network.slug}/steun-ons/"))
    assert "BE68 5390 0754 7034" in text
    assert "+++" not in text
    assert dutch("Structured communication") not in text
    assert dutch("Tax certificate") not in text


@pytest.mark.django_db
def test_page_img_points_to_a_qr_code_the_banking_app_can_read(client):
    network = donations_network()
    page = client.get(f"/netwerken/{network.slug}/steun-ons/")
    src, width, height, alt = qr_src(page)
    assert src.startswith(f"/netwerken/{network.slug}/steun-ons/qr.png")
    assert "BE68 5390 0754 7034" in alt and "Netwerk tegen Armoede vzw" in alt

    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    # Directives, in whatever order: exactly these two.
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"public", "max-age=86400"}
    assert Image.open(io.BytesIO(response.content)).size == (width * 2, height * 2)
    lines = decode_qr(response.content)
    assert lines[0] == "BCD"
    assert lines[5] == "Netwerk tegen Armoede vzw"
    assert lines[6] == "BE68539007547034"
    assert lines[7] == ""
    assert lines[9] == "123456789002"


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "epc", "shown"), [("12,50", "EUR12.50", "12,50"), ("25", "EUR25.00", "25")])
def test_chosen_amount_is_shown_and_put_in_the_qr_code(client, typed, epc, shown):
    network = donations_network()
    page = client.get(f"/netwerken/{network.slug}/steun-ons/", {"bedrag": typed})
    assert page.status_code == 200
    text = page_text(page)
    assert dutch("%(amount)s euro", amount=shown) in text
    src, _width, _height, alt = qr_src(page)
    assert f"{shown} euro" in alt
    lines = decode_qr(client.get(src).content)
    assert lines[6] == "BE68539007547034"
    assert lines[7] == epc
    assert lines[9] == "123456789002"


@pytest.mark.django_db
def test_qr_png_reads_the_amount_from_the_query_string(client):
    network = donations_network()
    lines = decode_qr(client.get(f"/netwerken/{network.slug}/steun-ons/qr.png", {"bedrag": "7.5"}).content)
    assert lines[7] == "EUR7.50"


@pytest.mark.django_db
def test_tax_example_uses_the_chosen_amount_rounded_to_the_cent(client):
    network = donations_network()
    text = page_text(client.get(f"/netwerken/{network.slug}/steun-ons/", {"bedrag": "50,50"}))
    example = "A gift of %(gift)s euro costs you %(cost)s euro after the tax reduction."
    # 45% of 50.50 is 22.725, rounded to 22.73, so the gift costs 27.77.
    assert dutch(example, gift="50,50", cost="27,77") in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "msgid", "values"),
    [
        ("abc", "Write the amount in euro as a number, for example 25 or 12,50.", {}),
        ("-5", "Choose an amount from %(minimum)s to %(maximum)s euro.", {"minimum": "1", "maximum": "100.000"}),
        ("0", "Choose an amount from %(minimum)s to %(maximum)s euro.", {"minimum": "1", "maximum": "100.000"}),
        (
            "100000,01",
            "Choose an amount from %(minimum)s to %(maximum)s euro.",
            {"minimum": "1", "maximum": "100.000"},
        ),
        ("1e9", "Write the amount in euro as a number, for example 25 or 12,50.", {}),
        ("12,345", "Write at most two digits after the comma, for example 12,50, and no dot between thousands.", {}),
        ("1.000", "Write at most two digits after the comma, for example 12,50, and no dot between thousands.", {}),
        ("9" * 10_000, "Write the amount in euro as a number, for example 25 or 12,50.", {}),
    ],
)
def test_bad_amount_gets_400_and_an_error_beside_the_field(client, typed, msgid, values):
    network = donations_network()
    response = client.get(f"/netwerken/{network.slug}/steun-ons/", {"bedrag": typed})
    assert response.status_code == 400
    text = page_text(response)
    assert f'<ul class="errorlist" id="id_bedrag_error"><li>{dutch(msgid, **values)}</li></ul>' in text
    field = re.search(r"<input [^>]*name=\"bedrag\"[^>]*>", text)[0]
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_bedrag_helptext id_bedrag_error"' in field
    assert "BE68 5390 0754 7034" in text
    assert "+++123/4567/89002+++" in text
    assert client.get(f"/netwerken/{network.slug}/steun-ons/qr.png", {"bedrag": typed}).status_code == 400


@pytest.mark.django_db
def test_empty_amount_is_no_amount(client):
    network = donations_network()
    response = client.get(f"/netwerken/{network.slug}/steun-ons/", {"bedrag": ""})
    assert response.status_code == 200
    assert decode_qr(client.get(qr_src(response)[0]).content)[7] == ""


@pytest.mark.django_db
def test_unknown_network_is_not_found(client):
    donations_network()
    assert client.get("/netwerken/bestaat-niet/steun-ons/").status_code == 404
    assert client.get("/netwerken/bestaat-niet/steun-ons/qr.png").status_code == 404


@pytest.mark.django_db
def test_network_without_iban_shows_its_contact_and_no_qr_code(client):
    network = donations_network(iban="", bic="", beneficiary="", donation_reference=None, tax_certificate=False)
    response = client.get(f"/netwerken/{network.slug}/steun-ons/", {"bedrag": "abc"})
    assert response.status_code == 200
    text = page_text(response)
    contact = re.search(r'<section aria-labelledby="donate-contact">.*?</section>', text, re.DOTALL)[0]
    sentence = "Gifts by bank transfer through this website are not possible yet. Would you like to support %(name)s?"
    assert dutch(sentence + " Please get in touch.", name="Netwerk tegen Armoede") in contact
    assert '<a href="mailto:info@example.org">info@example.org</a>' in contact
    assert '<a href="tel:021234567">02 123 45 67</a>' in contact
    assert "qr.png" not in text
    assert 'name="bedrag"' not in text
    assert client.get(f"/netwerken/{network.slug}/steun-ons/qr.png").status_code == 404


@pytest.mark.django_db
def test_donate_page_has_the_network_menu_and_breadcrumbs(client):
    network = donations_network()
    Page.objects.create(
        network=network, title="Onze werking", slug="onze-werking", body="<p>.</p>", last_reviewed="2024-01-01"
    )
    text = page_text(client.get(f"/netwerken/{network.slug}/steun-ons/"))
    assert '<a href="/netwerken/netwerk-tegen-armoede/onze-werking/">Onze werking</a>' in text
    assert '<a href="/netwerken/netwerk-tegen-armoede/">NTA</a>' in text
    assert '<a href="/netwerken/netwerk-tegen-armoede/steun-ons/" aria-current="page">' in text


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/steun-ons/", "/netwerken/netwerk-tegen-armoede/steun-ons/"])
def test_donate_page_needs_few_queries_however_many_pages_and_funders(client, django_assert_max_num_queries, path):
    """The page, its menu and the footer's funders are each one query, not one per page or funder."""
    network = donations_network()
    for number in range(5):
        Page.objects.create(
            network=network,
            title=f"Pagina {number}",
            slug=f"pagina-{number}",
            body="<p>.</p>",
            last_reviewed="2024-01-01",
        )
        Partner.objects.create(network=network, name=f"Funder {number}")
    with django_assert_max_num_queries(6):
        response = client.get(path, {"bedrag": "20"})
    assert response.status_code == 200
