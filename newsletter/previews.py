"""The preview of a newsletter issue (core/previews.py): its web version in the archive, drafts included.
(The mail itself is previewed by newsletter.views.preview.)"""

from core import previews
from newsletter.models import Issue
from newsletter.views import render_issue


def _issues():
    return Issue.objects.select_related("mailing_list__network")


def register():
    """Called by the app's AppConfig.ready()."""
    previews.register(Issue, render_issue, queryset=_issues)
