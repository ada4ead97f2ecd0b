"""The donate page of a network: bank data, structured communication, EPC QR code and the tax rule."""

import hashlib
import logging
import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core import sites
from core.sites import site_network
from network.donations import epc_payload, format_iban, qr_png, qr_size, structured_communication
from network.models import Network
from network.sites import at_root

logger = logging.getLogger(__name__)

MIN_AMOUNT = Decimal(1)
MAX_AMOUNT = Decimal(100_000)
# Digits with one comma or point, as Belgians type amounts ("12,50"); the sign is allowed here only
# so that "-5" gets the message about the range instead of the one about the format.
AMOUNT_RE = re.compile(r"[+-]?(\d{1,9})(?:[.,](\d+))?", re.ASCII)
AMOUNT_MAX_LENGTH = 20

# Belgian income tax: a recognised institution gives a tax certificate once someone's gifts reach
# 40 euro in a calendar year, and the giver gets 45% of those gifts back as a tax reduction.
TAX_CERTIFICATE_MINIMUM = Decimal(40)
TAX_REDUCTION_RATE = Decimal("0.45")


def parse_amount(text):
    """The amount in euro typed as "25", "12,50" or "12.50" (a euro sign allowed), or None when empty."""
    text = text.strip().removeprefix("€").removesuffix("€").strip()
    if not text:
        return None
    match = AMOUNT_RE.fullmatch(text) if len(text) <= AMOUNT_MAX_LENGTH else None
    if not match:
        raise ValidationError(_("Write the amount in euro as a number, for example 25 or 12,50."), code="invalid")
    if match[2] and len(match[2]) > 2:
        # Also catches "1.000": a point between thousands would otherwise be read as a decimal point.
        raise ValidationError(
            _("Write at most two digits after the comma, for example 12,50, and no dot between thousands."),
            code="decimals",
        )
    amount = Decimal(text.replace(",", "."))
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise ValidationError(
            _("Choose an amount from %(minimum)s to %(maximum)s euro."),
            code="range",
            params={"minimum": number_format(MIN_AMOUNT), "maximum": number_format(MAX_AMOUNT, force_grouping=True)},
        )
    return amount.quantize(Decimal("0.01"))


class DonationAmountForm(forms.Form):
    """The optional amount that the QR code fills in, read from the query string (`?bedrag=12,50`)."""

    bedrag = forms.CharField(
        label=_("Amount in euro (optional)"),
        help_text=_("For example 25 or 12,50. The QR code then fills in this amount for you."),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10}),
    )

    def clean_bedrag(self):
        return parse_amount(self.cleaned_data["bedrag"])


def _network(request, network_slug):
    if network_slug is None:
        network = site_network(request)
        if network is None:
            raise Http404
        return network
    return get_object_or_404(Network, slug=network_slug)


def _amount_form(request):
    return DonationAmountForm(request.GET if "bedrag" in request.GET else None)


def _beneficiary(network):
    return (network.beneficiary or network.name)[:70]


def _communication(network):
    """The structured communication for the network's reference number, or "" when it has none."""
    if network.donation_reference is None:
        return ""
    try:
        return structured_communication(network.donation_reference)
    except ValueError:
        logger.warning("Network %s has a donation reference of more than ten digits.", network.slug)
        return ""


def _payload(network, amount=None):
    """The EPC QR payload for a gift to `network`, or None when it has no (valid) bank account."""
    if not network.iban:
        return None
    try:
        return epc_payload(
            beneficiary=_beneficiary(network),
            iban=network.iban,
            bic=network.bic,
            amount=amount,
            structured_reference=_communication(network),
        )
    except ValueError as error:
        logger.warning("No QR code for the gifts to network %s: %s", network.slug, error)
        return None


def _qr_url(network_slug, payload, amount):
    url = reverse("network:network_donate_qr", args=[network_slug]) if network_slug else reverse("network:donate_qr")
    # The image is cached for a day; `v` changes with the bank data, so a new IBAN shows at once.
    query = {"bedrag": f"{amount}"} if amount is not None else {}
    query["v"] = hashlib.sha256(payload.encode()).hexdigest()[:12]
    return f"{url}?{urlencode(query)}"


def _tax_example(amount):
    """What a gift costs after the tax reduction: the amount chosen, else the smallest gift that counts."""
    gift = amount if amount is not None and amount >= TAX_CERTIFICATE_MINIMUM else TAX_CERTIFICATE_MINIMUM
    reduction = (gift * TAX_REDUCTION_RATE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {
        "minimum": TAX_CERTIFICATE_MINIMUM,
        "rate": int(TAX_REDUCTION_RATE * 100),
        "gift": gift,
        "cost": gift - reduction,
    }


@require_safe
def donate(request, network_slug=None):
    """How to give to a network: its bank data, structured communication, QR code and tax rule."""
    network = _network(request, network_slug)
    form = _amount_form(request) if network.iban else None  # without a bank account the page has no form
    amount, status = None, 200
    if form is not None and form.is_bound:
        if form.is_valid():
            amount = form.cleaned_data["bedrag"]
        else:
            status = 400
    payload = _payload(network, amount)
    context = {
        "network": network,
        "network_slug": network_slug,
        "form": form,
        "amount": amount,
        "beneficiary": _beneficiary(network),
        "iban": format_iban(network.iban),
        "bic": network.bic.upper(),
        "communication": _communication(network),
        "tax": _tax_example(amount) if network.tax_certificate else None,
    }
    # One address per network's donate page: /steun-ons/ where its home is /, else under the network.
    sites.canonical(request, network, path=reverse("network:donate") if at_root(request, network) else None)
    if payload:
        context["qr_url"] = _qr_url(network_slug, payload, amount)
        context["qr_width"] = qr_size(payload) // 2  # shown at half its pixels: sharp on dense screens
    return render(request, "network/donate.html", context, status=status)


@require_safe
def donate_qr(request, network_slug=None):
    """The EPC QR code ("Girocode") of the donate page as a PNG, with the amount of `?bedrag=` if given."""
    network = _network(request, network_slug)
    form = _amount_form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["bedrag"]), content_type="text/plain; charset=utf-8")
    payload = _payload(network, form.cleaned_data["bedrag"] if form.is_bound else None)
    if payload is None:
        raise Http404
    response = HttpResponse(qr_png(payload), content_type="image/png")
    patch_cache_control(response, public=True, max_age=86400)
    return response
