"""The news's part of the staff dashboard (core/dashboard.py): draft posts and scheduled posts."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import dashboard
from news.models import NewsPost


def _changed(post):
    return _("%(network)s · changed %(date)s") % {
        "network": post.network.short_name,
        "date": date_format(timezone.localtime(post.updated_at), "j F Y"),
    }


def draft_posts(scope):
    posts = (
        NewsPost.objects.filter(status=NewsPost.Status.DRAFT).select_related("network").order_by("-updated_at", "pk")
    )
    return dashboard.objects_section(scope, posts, _("News"), _changed, "?status__exact=draft")


def scheduled_posts(scope):
    posts = NewsPost.objects.filter(status=NewsPost.Status.PUBLISHED).select_related("network")
    return dashboard.scheduled_section(scope, posts, _("News"))


def register():
    dashboard.register_section(dashboard.DRAFTS, 10, draft_posts)
    dashboard.register_section(dashboard.SCHEDULED, 10, scheduled_posts)
