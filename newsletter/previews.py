"""The preview of a newsletter issue (core/previews.py): its web version in the archive, drafts included.
(The mail itself is previewed by newsletter.views.preview.)"""

from django.utils.html import format_html_join

from core import previews
from newsletter.models import Issue
from newsletter.views import render_issue


def _issues():
    return Issue.objects.select_related("mailing_list__network")


def register():
    """Called by the app's AppConfig.ready()."""
    # The archive shows the sent issues; the editor's own words are the introduction, in paragraphs
    # as the mail and the web version show them (the news, events and campaigns are checked as such).
    previews.register(
        Issue,
        render_issue,
        queryset=_issues,
        published=lambda: _issues().archived(),
        text=lambda issue: format_html_join("", "<p>{}</p>", ((part,) for part in issue.intro_paragraphs())),
    )
