"""Personal data in the news: the posts a staff member wrote (see core/personaldata.py)."""

from django.utils.translation import gettext_lazy

from core import personaldata
from core.personaldata import ANONYMISED, UserOwnedKind, describe


class NewsWritten(UserOwnedKind):
    key = "news.newspost"
    label = gettext_lazy("News posts you wrote")
    models = ("news.NewsPost",)
    order = 63
    outcome = ANONYMISED
    history_is_personal = False
    user_field = "author"

    def export(self, post):
        return describe(post, "title", "network", "status", "publish_at", "created_at")

    def erase(self, records, subject):
        # The post stays; its author is the anonymised account (privacy/personal_data.py).
        return len(records)


def register():
    """Called by the app's AppConfig.ready()."""
    personaldata.register(NewsWritten)
