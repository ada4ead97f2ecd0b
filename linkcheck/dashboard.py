"""The link check's part of the staff dashboard (core/dashboard.py): the broken links in the content
of the networks shown, longest failing first (linkcheck.reports.broken_links_for)."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from core import dashboard
from linkcheck.models import BrokenLink
from linkcheck.reports import broken_links_for


def _change_url(use):
    try:
        return reverse(f"admin:{use.content_type.app_label}_{use.content_type.model}_change", args=[use.object_id])
    except NoReverseMatch:  # a kind of content without an admin page
        return ""


def _answer(link):
    detail = link.http_status or link.error
    return f"{link.get_status_display()} ({detail})" if detail else link.get_status_display()


def broken_links(scope):
    uses = broken_links_for(scope.user)
    if not scope.everything:
        uses = uses.for_networks(scope.network_ids)
    uses, more = dashboard.first_rows(uses)
    rows = [
        {"text": use.object_repr, "url": _change_url(use), "detail": f"{use.link.url} · {_answer(use.link)}"}
        for use in uses
    ]
    return dashboard.list_section(_("In your content"), rows, more, dashboard.admin_url(BrokenLink, "changelist"))


def register():
    dashboard.register_section(dashboard.LINKS, 10, broken_links)
