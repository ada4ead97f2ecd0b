from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from network.models import Network, Partner
from network.sites import forget_site_networks


@receiver([post_save, post_delete], sender=Network)
@receiver([post_save, post_delete], sender=Partner)
def network_changed(sender, **kwargs):
    forget_site_networks()
