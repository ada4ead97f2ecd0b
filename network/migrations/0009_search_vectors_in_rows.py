"""The stored search vectors move into the rows: a common word reads every match's vector (core/searchindex.py)."""

from django.db import migrations

from core.searchindex import InlineSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0008_share_links"),
    ]

    operations = [
        InlineSearchVector(model_name="Page"),
        InlineSearchVector(model_name="Document"),
    ]
