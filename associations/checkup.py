""" "Klopt dit nog?": once a year each association is asked by mail whether its page is still right.

`ask_all()` is safe to run daily and on several servers at once: an association is claimed (its
`check_asked_at` moved on in one conditional UPDATE) before its mail goes out, and is asked again
only a year later, so it never gets two mails in a year. The mail's "ja" link (signed, bound to the
moment it was asked) leads to a page with one button; pressing it sets "laatst nagekeken op".
"""

import datetime
import logging

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from core.mail import MailNotSent, send_mail
from core.tokens import TokenInvalid, make_token, read_token_parts

logger = logging.getLogger(__name__)

PURPOSE = "association-check"
EVERY = datetime.timedelta(days=365)
# The "ja" link works until the next year's mail.
LINK_MAX_AGE = int(EVERY.total_seconds())


def _stamp(moment):
    return int(moment.timestamp())


def check_url(association, base_url):
    token = make_token(PURPOSE, [association.pk, _stamp(association.check_asked_at)])
    return base_url.rstrip("/") + reverse("volunteers:check", kwargs={"token": token})


def association_for_token(token):
    """The association a "ja" link is for; TokenError for a bad or old link, Http404 when it is gone."""
    pk, stamp = read_token_parts(PURPOSE, token, int, int, max_age=LINK_MAX_AGE)
    association = Association.objects.active().filter(pk=pk).first()
    if association is None:
        raise Http404
    if association.check_asked_at is None or _stamp(association.check_asked_at) != stamp:
        raise TokenInvalid  # a link of an earlier year
    return association


def confirm(association):
    """Note that the association's page was checked today (pressing again changes nothing more)."""
    today = timezone.localdate()
    if association.checked_on != today:
        # Through save(): the profile shows the date, so the page cache drops the network's pages.
        association.checked_on = today
        association.save(update_fields=["checked_on", "updated_at"])


def recipients(association):
    addresses = [association.email, *association.volunteers.values_list("user__email", flat=True)]
    return list(dict.fromkeys(address.strip().lower() for address in addresses if address and address.strip()))


def due(now):
    """Active associations not asked in the past year, nor checked by their own volunteers lately."""
    year_ago = now - EVERY
    return Association.objects.active().filter(
        Q(check_asked_at__isnull=True) | Q(check_asked_at__lte=year_ago),
        Q(checked_on__isnull=True) | Q(checked_on__lte=year_ago.date()),
    )


def ask_all(base_url, now=None):
    """Mail every association that is due; the number of associations asked."""
    now = now or timezone.now()
    asked = 0
    for association in due(now).order_by("pk").iterator():
        to = recipients(association)
        if not to:
            continue
        before = association.check_asked_at
        claimed = (
            Association.objects.filter(pk=association.pk, check_asked_at=before).update(check_asked_at=now)
            if before
            else Association.objects.filter(pk=association.pk, check_asked_at__isnull=True).update(check_asked_at=now)
        )
        if not claimed:
            continue  # another server took it
        association.check_asked_at = now
        context = {
            "association": association,
            "check_url": check_url(association, base_url),
            "edit_url": base_url.rstrip("/") + reverse("volunteers:home"),
        }
        for address in to:
            try:
                send_mail(
                    address,
                    _("Is the page of %(name)s still right?") % {"name": association.name},
                    "associations/mail/check",
                    context,
                )
            except MailNotSent:
                logger.warning("Check mail for association %s to %s not sent", association.pk, address)
        asked += 1
    return asked
