"""Everything the site stores about an email address, across every app: find it, export it, erase it.

Each app declares the kinds of personal data it holds in its own `personal_data.py` and
registers them in core's registry (core/personaldata.py) from its AppConfig.ready(); this
module only uses them: it finds the records of every kind for an address, exports them and
erases them. tests/privacy/test_coverage.py fails when a model holding personal data is
covered by no kind.

An address matches whatever its case and surrounding spaces: every app stores addresses
stripped (and most lower-cased), and every kind looks them up with `iexact`.
"""

import json
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.personaldata import ANONYMISED, ERASED, KEPT, Kind, kinds, plain

logger = logging.getLogger("privacy")

OUTCOME_LABELS = {
    ERASED: gettext_lazy("erased"),
    ANONYMISED: gettext_lazy("kept anonymously"),
    KEPT: gettext_lazy("kept (not personal data)"),
}


class ErasureRefused(Exception):
    """Erasing would break the site (the last superuser); nothing was erased."""


def normalise_email(value):
    """The address as the apps store it: stripped and lower-cased; ValidationError for no address at all."""
    email = (value or "").strip().lower()
    validate_email(email)
    return email


class Subject:
    """The person behind one email address, as far as this site knows them."""

    def __init__(self, email):
        self.email = normalise_email(email)
        # The usernames and addresses of the person's staff accounts, lower-cased (see `users`).
        self.account_names = set()
        # {model class: {pk, ...}} of the records found so far; the audit trails look for entries about them.
        self.objects = defaultdict(set)

    @cached_property
    def users(self):
        """Staff accounts with this address: as their email, their username, or one of their allauth addresses."""
        from allauth.account.models import EmailAddress

        users = list(
            get_user_model()
            .objects.filter(
                Q(email__iexact=self.email)
                | Q(username__iexact=self.email)
                | Q(pk__in=EmailAddress.objects.filter(email__iexact=self.email).values("user_id"))
            )
            .order_by("pk")
        )
        # Taken before erasure renames the accounts: what other records may still call them.
        self.account_names = {
            name.lower() for user in users for name in (user.get_username(), str(user), user.email) if name
        }
        return users

    @property
    def user_ids(self):
        return [user.pk for user in self.users]

    def remember(self, records):
        for record in records:
            if isinstance(record, models.Model):
                self.objects[type(record)].add(record.pk)


@dataclass
class Finding:
    kind: Kind
    records: list

    @property
    def count(self):
        return len(self.records)

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.kind.outcome]


def find(email):
    """(subject, [Finding per kind]) for an address; ValidationError when it is no address."""
    subject = Subject(email)
    findings = []
    for kind in kinds():
        records = kind.find(subject)
        findings.append(Finding(kind, records))
        if kind.history_is_personal:
            subject.remember(records)
    return subject, findings


# Export ------------------------------------------------------------------------------------------


def export(email):
    """Everything stored about an address, as one JSON-ready dict with Dutch labels."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, findings = find(email)
        return {
            "email_address": subject.email,
            "exported_at": plain(timezone.now()),
            "site": settings.SITE_NAME,
            "explanation": _(
                "Everything this website stores about this email address, grouped by kind. Kinds without "
                "anything about you are listed under 'checked'."
            ),
            "data": [
                {
                    "kind": finding.kind.key,
                    "label": str(finding.kind.label),
                    "count": finding.count,
                    "on_erasure": str(finding.outcome_label),
                    "records": [finding.kind.export(record) for record in finding.records],
                }
                for finding in findings
                if finding.records
            ],
            "checked": [str(finding.kind.label) for finding in findings],
        }


def export_json(email):
    return json.dumps(export(email), ensure_ascii=False, indent=2) + "\n"


# Erasure -----------------------------------------------------------------------------------------


def refusals(findings):
    return [reason for finding in findings if finding.records and (reason := finding.kind.refusal(finding.records))]


def erase(email, *, actor=None):
    """Erase everything stored about an address, all or nothing; [(kind, count)] of what it touched.

    ErasureRefused (and nothing erased) when a kind refuses. Logged without the address:
    who erased how many records of which kinds.
    """
    with transaction.atomic():
        subject, findings = find(email)
        reasons = refusals(findings)
        if reasons:
            raise ErasureRefused(" ".join(str(reason) for reason in reasons))
        done = [(finding.kind, finding.kind.erase(finding.records, subject)) for finding in findings]
        done = [(kind, count) for kind, count in done if count]
        log_erasure(done, actor)
    return done


def summary_line(done):
    """What erasure did, per kind ("Campaign signatures: 2 erased; ..."), never with the address."""
    if not done:
        return _("nothing was stored")
    return "; ".join(f"{kind.label}: {count} {OUTCOME_LABELS[kind.outcome]}" for kind, count in done)


def log_erasure(done, actor):
    counts = ", ".join(f"{kind.key}={count}" for kind, count in done) or "nothing"
    logger.info("Personal data erased by %s: %s", f"user {actor.pk}" if actor else "manage.py", counts)
    if actor is not None:
        from django.contrib.admin.models import DELETION, LogEntry

        LogEntry.objects.create(
            user=actor,
            content_type=None,
            object_id=None,
            object_repr=_("Personal data of an email address"),
            action_flag=DELETION,
            change_message=summary_line(done),
        )
