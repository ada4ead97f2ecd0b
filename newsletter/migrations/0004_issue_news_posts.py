from django.db import migrations, models

from core.movedtables import CreateUnlessTableExists


class Migration(migrations.Migration):
    """An issue's news posts, now the news app's (see 0001_initial and news 0001_initial).

    A database made before the news moved has the table with its rows; a new one gets it here.
    """

    dependencies = [
        ("news", "0001_initial"),
        ("newsletter", "0003_worker_heartbeat"),
    ]

    operations = [
        CreateUnlessTableExists(
            table="newsletter_issue_news_posts",
            operations=[
                migrations.AddField(
                    model_name="issue",
                    name="news_posts",
                    field=models.ManyToManyField(
                        blank=True, related_name="newsletter_issues", to="news.newspost", verbose_name="news posts"
                    ),
                ),
            ],
        ),
    ]
