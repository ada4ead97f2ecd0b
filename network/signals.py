from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.sites import forget_site_networks
from network.models import Network, Partner


@receiver([post_save, post_delete], sender=Network)
@receiver([post_save, post_delete], sender=Partner)
def network_changed(sender, **kwargs):
    forget_site_networks()
