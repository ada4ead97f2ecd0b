from django.db import migrations


class Migration(migrations.Migration):
    """Added the index of the news years; the news belongs to the news app now."""

    # The news moved to its own app (news/migrations/0001_initial.py), which creates its tables
    # where they do not exist yet; databases made before the move keep them and their rows. This
    # migration no longer creates the news, so the network app's migrations depend on no other
    # app's (no cycle network -> associations/campaigns -> network).

    dependencies = [
        ("network", "0004_search_vectors"),
    ]

    operations = []
