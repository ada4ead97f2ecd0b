"""Export and erasure cover every model holding personal data: a new model that holds some fails
here until a kind in some app's personal_data.py covers it, or it is put on the list below with
the reason it is not a person's data.

The rule. A model holds personal data when one of its own fields
- is an EmailField or a GenericIPAddressField, or is named like a detail of a person
  (PERSONAL_FIELD_NAMES, or ending in _email, _phone or _ip) — the model *identifies* a person; or
- is a foreign key or one-to-one to the user model, or to a model that identifies a person
  (a subscription points at its subscriber) — the model is *about* a person.
A model on NOT_PERSONAL neither holds personal data nor passes it on through its foreign keys
(a page of a network is not about a person because the network has a phone number). A proxy
model is covered by the kinds of its concrete model.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from core import personaldata
from privacy import registry

PERSONAL_FIELD_NAMES = {
    "name",
    "first_name",
    "last_name",
    "full_name",
    "contact_person",
    "email",
    "phone",
    "telephone",
    "mobile",
    "address",
    "street_address",
    "birth_date",
    "date_of_birth",
    "iban",
    "ip",
    "ip_address",
    "remote_addr",
    "user_agent",
    "remarks",
}

# Models the rule flags that hold no personal data of a person who could ask for it by email address.
NOT_PERSONAL = {
    # A role's name and a permission's name.
    "auth.Group": "a staff role",
    "auth.Permission": "a permission",
    # An organisation's public contact details, published by design; the export mentions a match
    # (network/personal_data.py NetworkContacts), erasure leaves it.
    "network.Network": "an organisation's public contact",
    # An association's contact person, phone and address are published on its profile on purpose,
    # with its consent; the export mentions a matching address (associations/personal_data.py).
    "associations.Association": "an organisation's public contact",
    # Names of themes, partner organisations (funders) and mailing lists.
    "network.Theme": "a theme's name",
    "network.Partner": "an organisation",
    "newsletter.MailingList": "a list's name",
    # The place where an event happens (a building's address), not anyone's home.
    "events.Event": "a place",
    # A campaign face is a person who lent name, photo and quote with consent recorded on paper;
    # they have no address on the site, so staff remove the face in the admin when consent ends.
    "campaigns.Face": "no email address: removed by hand when consent ends",
}


def _name_is_personal(name):
    return name in PERSONAL_FIELD_NAMES or name.endswith(("_email", "_phone", "_ip"))


def identifies_a_person(model):
    """Whether a model's own fields name a person (an address, an IP address, a name, ...)."""
    if model._meta.label in NOT_PERSONAL:
        return False
    return any(
        isinstance(field, models.EmailField | models.GenericIPAddressField) or _name_is_personal(field.name)
        for field in model._meta.concrete_fields
        if not field.is_relation
    )


def holds_personal_data(model):
    if model._meta.label in NOT_PERSONAL:
        return False
    if identifies_a_person(model):
        return True
    user_model = get_user_model()
    return any(
        field.related_model is user_model or identifies_a_person(field.related_model)
        for field in model._meta.concrete_fields
        if field.many_to_one or field.one_to_one
    )


def uncovered_models():
    """Labels of installed models holding personal data that no kind covers.

    A proxy model holds no data of its own: it is covered when its concrete model is.
    """
    covered = personaldata.covered_models()
    return sorted(
        model._meta.label
        for model in apps.get_models()
        if holds_personal_data(model) and model._meta.concrete_model._meta.label not in covered
    )


def test_every_model_holding_personal_data_is_covered_by_export_and_erasure():
    assert uncovered_models() == [], (
        "Add a kind in the app's personal_data.py (see core/personaldata.py), or put the model on "
        "NOT_PERSONAL with the reason it holds no one's personal data."
    )


def test_the_check_fails_for_a_model_no_kind_covers():
    removed = personaldata.unregister("campaigns.signature")
    try:
        assert uncovered_models() == ["campaigns.Signature"]
    finally:
        personaldata.register(type(removed))
    assert uncovered_models() == []


def flagged(model_label):
    return holds_personal_data(apps.get_model(model_label))


def test_the_rule_sees_identifiers_and_links_to_a_person_and_nothing_else():
    # Own identifiers: an address, a name, an IP address.
    assert flagged("campaigns.Signature") and flagged("events.Registration") and flagged("usersessions.UserSession")
    # About a person: a link to the user model, or to a model that identifies a person.
    assert flagged("network.NetworkMembership") and flagged("newsletter.Issue") and flagged("admin.LogEntry")
    assert (
        flagged("newsletter.Subscription") and flagged("newsletter.Delivery") and flagged("account.EmailConfirmation")
    )
    # Content: nothing of a person, and nothing passed on through an organisation or a news post.
    assert not flagged("network.Page") and not flagged("news.NewsLink") and not flagged("campaigns.KeyDate")
    assert not flagged("associations.Activity") and not flagged("network.Network")
    assert not flagged("associations.OpeningHours") and not flagged("associations.Closure")


def test_the_list_of_exceptions_holds_only_installed_models_the_rule_flags_and_no_kind_covers():
    covered = personaldata.covered_models()
    for model_label in NOT_PERSONAL:
        model = apps.get_model(model_label)
        assert model_label not in covered, f"{model_label} is covered: take it off NOT_PERSONAL"
        fields = [field for field in model._meta.concrete_fields if not field.is_relation]
        assert any(
            isinstance(field, models.EmailField | models.GenericIPAddressField) or _name_is_personal(field.name)
            for field in fields
        ), f"{model_label} holds nothing the rule flags: take it off NOT_PERSONAL"


def test_every_kind_covers_installed_models_only_and_every_key_is_unique():
    for model_label, keys in personaldata.covered_models().items():
        assert apps.get_model(model_label), keys
    keys = [kind.key for kind in personaldata.kinds()]
    assert len(keys) == len(set(keys))
    for kind in personaldata.kinds():
        assert kind.label and kind.outcome in registry.OUTCOME_LABELS, kind.key
