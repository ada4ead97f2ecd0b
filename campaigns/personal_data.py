"""Personal data of the campaigns: supporters' signatures (see core/personaldata.py)."""

from django.utils.translation import gettext_lazy

from campaigns.models import Signature
from core import personaldata
from core.personaldata import Kind, describe


class Signatures(Kind):
    key = "campaigns.signature"
    label = gettext_lazy("Campaign signatures")
    models = ("campaigns.Signature",)
    order = 10

    def find(self, subject):
        return list(Signature.objects.filter(email__iexact=subject.email).select_related("campaign").order_by("pk"))

    def export(self, signature):
        return describe(
            signature,
            "campaign",
            "name",
            "place",
            "email",
            "show_name",
            "consent_text",
            "created_at",
            "confirmed_at",
        )


def register():
    """Called by the app's AppConfig.ready()."""
    personaldata.register(Signatures)
