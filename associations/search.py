"""The associations in the site search (see core/search.py)."""

from django.utils.translation import gettext_lazy as _

from associations.models import Association
from core.search import Result, register_kind


def register():
    """Called by the app's AppConfig.ready()."""
    register_kind(
        "verenigingen",
        label=_("Associations"),
        queryset=lambda: Association.objects.active().select_related("network"),
        fields={"A": ["name"], "B": ["intro", "municipality"], "C": ["description"]},
        describe=lambda association: Result(
            association.name,
            association.get_absolute_url(),
            (association.network.short_name, f"{association.postcode} {association.municipality}"),
        ),
        snippet_fields=["intro", "description"],
        position=20,
        stored=True,
        columns=["name", "slug", "postcode", "municipality", "network__short_name"],
    )
