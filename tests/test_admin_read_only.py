"""Records the site writes are never added or changed by hand in the admin (core/admin.py); the
audit trail and a newsletter's copies are not deleted either, personal data can be erased."""

import pytest
from django.contrib import admin

from associations.models import ProfileChange
from audit.models import AuditEntry
from campaigns.models import Signature
from events.models import Registration
from linkcheck.models import BrokenLink
from newsletter.models import Delivery, Subscriber, Subscription

# Model -> may a superuser delete one from its admin (the list page: no object)?
RECORDS = {
    AuditEntry: False,
    Delivery: False,
    Signature: True,
    Registration: True,
    Subscription: True,
    Subscriber: True,
    ProfileChange: False,  # only with its association, whose delete page passes the object
    BrokenLink: False,  # the daily check keeps the list; a fixed link leaves it at the next check
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", RECORDS, ids=[model.__name__ for model in RECORDS])
def test_nobody_adds_or_changes_a_record_by_hand(rf, admin_user, model):
    request = rf.get("/beheer/")
    request.user = admin_user
    model_admin = admin.site._registry[model]

    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is RECORDS[model]


@pytest.mark.django_db
def test_the_inlines_of_records_add_and_change_nothing(rf, admin_user):
    request = rf.get("/beheer/")
    request.user = admin_user
    inlines = [
        inline
        for model in (ProfileChange.association.field.related_model, Registration.event.field.related_model)
        for inline in admin.site._registry[model].get_inline_instances(request)
        if inline.model in (ProfileChange, Registration)
    ]

    assert [inline.model for inline in inlines] == [ProfileChange, Registration]
    for inline in inlines:
        assert inline.has_add_permission(request, None) is False
        assert inline.has_change_permission(request) is False
        assert inline.get_formset(request).can_delete is False
