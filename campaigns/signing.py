"""Signing a campaign: a pending signature, a confirmation mail with a signed link, confirming, erasing.

The answer to the visitor is the same whether or not the address signed before; only the
mail sent to the address differs (a confirmation link, or a note that it already counts).
A signature keeps the data of the first post for its address: a later post, by whoever knows
the address, changes nothing stored, so the link in the first mail confirms what that mail
says and nothing else (the mail for a later post repeats the stored data and the same link).
"""

import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Signature
from core import pagecache
from core.mail import MailNotSent, send_mail
from core.tokens import make_token, read_token_parts

CONFIRM = "signature-confirm"
ERASE = "signature-erase"

logger = logging.getLogger(__name__)


def record_signature(campaign, data):
    """The signature for this address: a new pending one, or the existing one unchanged (pending or not)."""
    fields = {"name": data["name"], "place": data["place"], "show_name": data["show_name"]}
    try:
        with transaction.atomic():
            signature, _created = Signature.objects.get_or_create(
                campaign=campaign, email=data["email"], defaults={**fields, "consent_text": campaign.consent_text}
            )
    except IntegrityError:  # the same address posted at the same moment
        signature = Signature.objects.get(campaign=campaign, email=data["email"])
    return signature


def links(request, signature):
    value = [signature.pk, signature.nonce]
    slug = signature.campaign.slug
    return {
        "confirm_url": request.build_absolute_uri(
            reverse("campaigns:confirm", kwargs={"slug": slug, "token": make_token(CONFIRM, value)})
        ),
        "erase_url": request.build_absolute_uri(
            reverse("campaigns:erase", kwargs={"slug": slug, "token": make_token(ERASE, value)})
        ),
    }


def send_signature_mail(request, signature):
    campaign = signature.campaign
    context = {"signature": signature, "campaign": campaign, "network": campaign.network, **links(request, signature)}
    if signature.is_confirmed:
        subject = _("Your signature for %(title)s already counts") % {"title": campaign.title}
        template = "campaigns/mail/already_signed"
    else:
        subject = _("Confirm your signature for %(title)s") % {"title": campaign.title}
        template = "campaigns/mail/confirm_signature"
    try:
        send_mail(signature.email, subject, template, context, request=request)
    except MailNotSent:
        logger.exception("Signature mail for campaign %s not sent", campaign.pk)
        raise


def signature_for_token(purpose, token, campaign, max_age=None):
    """The signature a link points at, or None when it was erased; TokenError for a bad link."""
    pk, nonce = read_token_parts(purpose, token, int, str, max_age=max_age)
    return Signature.objects.filter(pk=pk, nonce=nonce, campaign=campaign).first()


def confirm(signature):
    """Confirm once; a second call changes nothing. True when this call confirmed it."""
    confirmed = bool(
        Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    )
    if confirmed:
        # The pages showing this campaign's count, names and tally, and no other page.
        pagecache.key_changed("campaign", signature.campaign_id)
    return confirmed
