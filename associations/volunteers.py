""" "Mijn vereniging": a volunteer's proposal is held (HeldChange) until an editor of the association's
network approves it (applied, mail to the volunteer) or returns it with a reason (mail, never shown).

A proposal is the whole editable profile as plain data (`profile_data`): the association's own
fields, its weekly opening hours, closures and activities. Approving replaces those rows by the
proposed ones in one transaction; the public page only ever shows what is applied.
"""

import datetime
import logging
import re

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from associations.models import (
    Activity,
    Association,
    Closure,
    HeldChange,
    HeldPhoto,
    OpeningHours,
    Photo,
    ProfileChange,
)
from core.mail import MailNotSent, send_mail

logger = logging.getLogger(__name__)

FIELDS = ["intro", "description", "contact_person", "phone", "email", "website", "closed_on_public_holidays"]
HOURS_KEYS = ["weekday", "opens", "closes", "what", "place"]
CLOSURE_KEYS = ["starts_on", "ends_on", "reason"]
ACTIVITY_KEYS = ["what", "when", "where"]


def volunteered_associations(user):
    """The associations this user volunteers for (none for an anonymous visitor)."""
    if not user.is_authenticated or not user.is_active:
        return Association.objects.none()
    return Association.objects.filter(volunteers__user=user).select_related("network")


def coordinated_association_names(user):
    """The active associations whose coordinator this user is (core/coordinators.py asks)."""
    return list(
        Association.objects.active()
        .filter(volunteers__user=user, volunteers__registers_others=True)
        .order_by("name")
        .values_list("name", flat=True)
    )


def _text(value):
    return value.isoformat(timespec="minutes") if isinstance(value, datetime.time) else str(value)


def profile_data(association):
    """The editable profile as plain data (the shape of HeldChange.proposed)."""
    return {
        "fields": {name: getattr(association, name) for name in FIELDS},
        "opening_hours": [
            {
                "weekday": row.weekday,
                "opens": _text(row.opens),
                "closes": _text(row.closes),
                "what": row.what,
                "place": row.place,
            }
            for row in association.opening_hours.all()
        ],
        "closures": [
            {"starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat(), "reason": row.reason}
            for row in association.closures.all()
        ],
        "activities": [
            {"what": row.what, "when": row.when, "where": row.where} for row in association.activities.all()
        ],
        # Photos: the ids of proposed photos (HeldPhoto) to add, of live ones (Photo) to remove.
        "photos_added": [],
        "photos_removed": [],
    }


def description_text(html):
    """The description as the plain text a volunteer edits: one paragraph per blank-line-separated block."""
    blocks = re.split(r"</p>|<br\s*/?>|</li>|</h\d>", html or "")
    return "\n\n".join(" ".join(strip_tags(block).split()) for block in blocks if strip_tags(block).strip())


def description_html(text):
    """Plain text back to paragraphs, escaped: a volunteer writes no markup."""
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text or "")]
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs if paragraph)


def changed_parts(association, proposed):
    """The labels of what a proposal changes compared with the live profile."""
    live = profile_data(association)
    labels = {
        "intro": _("short introduction"),
        "description": _("description"),
        "contact_person": _("contact person"),
        "phone": _("phone"),
        "email": _("email"),
        "website": _("website"),
        "closed_on_public_holidays": _("closed on public holidays"),
        "opening_hours": _("opening hours"),
        "closures": _("closures"),
        "activities": _("activities"),
        "photos_added": _("new photos"),
        "photos_removed": _("photos removed"),
    }
    changed = [name for name in FIELDS if live["fields"][name] != proposed["fields"].get(name)]
    parts = ("opening_hours", "closures", "activities", "photos_added", "photos_removed")
    changed += [part for part in parts if live[part] != proposed.get(part, [])]
    return [str(labels[name]) for name in changed]


def reviewers(association):
    """Who reviews a proposal: active staff of the association's network allowed to change held changes."""
    can_review = Q(groups__permissions__codename="change_heldchange") | Q(
        user_permissions__codename="change_heldchange"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, network_memberships__network_id=association.network_id)
        .filter(can_review)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _mail(to, subject, template, context, request):
    try:
        send_mail(to, subject, template, context, request=request)
    except MailNotSent:
        # The change itself is stored; the admin's list shows it whether the mail went out or not.
        logger.warning("Mail %s to %s not sent", template, to)


@transaction.atomic
def submit_change(*, association, user, proposed, request=None):
    """Hold a volunteer's proposal (replacing a pending one of the association) and tell the reviewers."""
    locked = Association.objects.select_for_update().get(pk=association.pk)
    change = HeldChange.objects.pending().filter(association=locked).first() or HeldChange(association=locked)
    change.proposed = proposed
    change.submitted_by = user
    change.submitted_at = timezone.now()
    change.save()
    review_url = (
        request.build_absolute_uri(reverse("admin:associations_heldchange_change", args=[change.pk]))
        if (request)
        else reverse("admin:associations_heldchange_change", args=[change.pk])
    )
    parts = changed_parts(association, proposed)
    for reviewer in reviewers(association):
        transaction.on_commit(
            lambda to=reviewer.email: _mail(
                to,
                _("A change to review for %(name)s") % {"name": association.name},
                "associations/mail/change_submitted",
                {"association": association, "change": change, "parts": parts, "review_url": review_url},
                request,
            )
        )
    return change


def _time(value):
    return datetime.time.fromisoformat(value)


def _date(value):
    return datetime.date.fromisoformat(value)


@transaction.atomic
def approve_change(*, change, reviewer, request=None):
    """Apply a pending proposal to the association, note it, and tell the volunteer."""
    change = HeldChange.objects.select_for_update().get(pk=change.pk)
    if change.status != HeldChange.Status.PENDING:
        return change
    association = Association.objects.select_for_update().get(pk=change.association_id)
    proposed = change.proposed
    parts = changed_parts(association, proposed)
    for name in FIELDS:
        setattr(association, name, proposed["fields"][name])
    association.full_clean(exclude=["slug"])
    association.opening_hours.all().delete()
    association.closures.all().delete()
    association.activities.all().delete()
    for row in proposed["opening_hours"]:
        OpeningHours.objects.create(
            association=association,
            weekday=row["weekday"],
            opens=_time(row["opens"]),
            closes=_time(row["closes"]),
            what=row["what"],
            place=row["place"],
        )
    for row in proposed["closures"]:
        Closure.objects.create(
            association=association,
            starts_on=_date(row["starts_on"]),
            ends_on=_date(row["ends_on"]),
            reason=row["reason"],
        )
    for position, row in enumerate(proposed["activities"]):
        Activity.objects.create(association=association, position=position, **{key: row[key] for key in ACTIVITY_KEYS})
    _apply_photos(association, proposed)
    association.save()  # last, so the page cache drops the network's pages after every row changed
    if parts:
        ProfileChange.objects.create(association=association, user=change.submitted_by, fields=parts)
    change.status = HeldChange.Status.APPROVED
    change.reviewed_by, change.reviewed_at = reviewer, timezone.now()
    change.save()
    if change.submitted_by and change.submitted_by.email:
        transaction.on_commit(
            lambda: _mail(
                change.submitted_by.email,
                _("Your change to %(name)s is online") % {"name": association.name},
                "associations/mail/change_approved",
                {"association": association, "change": change},
                request,
            )
        )
    return change


def _apply_photos(association, proposed):
    """Proposed photos become photos (through the image pipeline again); removed ones go."""
    Photo.objects.filter(association=association, pk__in=proposed.get("photos_removed", [])).delete()
    position = max([photo.position for photo in association.photos.all()], default=0)
    for held in HeldPhoto.objects.filter(association=association, pk__in=proposed.get("photos_added", [])):
        position += 1
        with held.image.open("rb") as stored:
            name = held.image.name.rsplit("/", 1)[-1]
            Photo.objects.create(
                association=association,
                image=File(stored, name=name),
                alt_text=held.alt_text,
                caption=held.caption,
                position=position,
            )
        held.delete()  # its files go once the transaction is committed


@transaction.atomic
def return_change(*, change, reviewer, reason, request=None):
    """Send a pending proposal back with a reason; nothing of it is applied."""
    change = HeldChange.objects.select_for_update().get(pk=change.pk)
    if change.status != HeldChange.Status.PENDING:
        return change
    change.status = HeldChange.Status.RETURNED
    change.reason = reason
    HeldPhoto.objects.filter(
        association_id=change.association_id, pk__in=change.proposed.get("photos_added", [])
    ).delete()
    change.reviewed_by, change.reviewed_at = reviewer, timezone.now()
    change.save()
    association = change.association
    if change.submitted_by and change.submitted_by.email:
        transaction.on_commit(
            lambda: _mail(
                change.submitted_by.email,
                _("Your change to %(name)s was returned") % {"name": association.name},
                "associations/mail/change_returned",
                {"association": association, "change": change},
                request,
            )
        )
    return change
