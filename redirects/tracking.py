"""Changing a public object's address (its slug, a news post's year, a page's network) leaves a
permanent redirect from the old address to the new one.

One pair of signal receivers serves every model listed in TRACKED: before a save it reads the
object's address as stored, after the save it compares it with the new one. Only an address the
public could have known counts: a draft's slug may change freely. Changes made with
queryset.update() are not seen (no address is changed that way).
"""

from urllib.parse import unquote

from django.apps import apps
from django.db.models.signals import post_save, pre_save

from core.owners import owner_of
from redirects.models import Redirect

# The models whose objects have a public address of their own, each with the rule saying
# whether the public can reach an object (its address is worth keeping).
TRACKED = {
    "network.Page": lambda page: page.is_public,
    "news.NewsPost": lambda post: post.is_public,
    "events.Event": lambda event: event.is_public,
    "campaigns.Campaign": lambda campaign: campaign.is_public,
    "associations.Association": lambda association: association.is_active,
}

_ADDRESS_BEFORE = "_redirects_address_before_save"


def _is_public(instance):
    return TRACKED[instance._meta.label](instance)


def remember_address(sender, instance, raw=False, **kwargs):
    """Keep the stored object's public address on the instance, for the comparison after saving."""
    if raw or instance._state.adding:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    if stored is not None and _is_public(stored):
        setattr(instance, _ADDRESS_BEFORE, stored.get_absolute_url())


def leave_redirect(sender, instance, raw=False, **kwargs):
    """The old address leads to the new one; the object's own address, live now, is no redirect's."""
    old_address = instance.__dict__.pop(_ADDRESS_BEFORE, None)
    if raw:
        return
    address = instance.get_absolute_url()
    if old_address is not None and old_address != address:
        Redirect.objects.record(
            old_path=old_address, new_path=address, network_id=owner_of(sender).network_id(instance)
        )
    elif _is_public(instance):
        Redirect.objects.filter(old_path=unquote(address)).delete()


def connect():
    """Receive the saves of the tracked models (RedirectsConfig.ready)."""
    for label in TRACKED:
        model = apps.get_model(label)
        pre_save.connect(remember_address, sender=model, dispatch_uid=f"redirects.before:{label}")
        post_save.connect(leave_redirect, sender=model, dispatch_uid=f"redirects.after:{label}")
