import core.images
import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.movedtables import CreateUnlessTableExists
from core.searchindex import StoredSearchVector

MOVED = ("newspost", "newslink")


def move_content_types(apps, schema_editor, source="network", target="news"):
    """Move the posts' content types to this app: permissions (and the groups holding them), the
    admin's history and the audit trail refer to the content type, so they follow the posts."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        if types.filter(app_label=source, model=model).exists():
            types.filter(app_label=target, model=model).delete()
            types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="news", target="network")


class Migration(migrations.Migration):
    """The news moves from the network app to its own, keeping its tables and every row.

    A database made before the move has the tables (network_newspost, network_newslink and the
    posts' many-to-many tables) from the network app's old migrations: only the state and the
    content types change. A new database gets the tables here.
    """

    initial = True

    dependencies = [
        ('associations', '0002_search_vector'),
        ('campaigns', '0004_face_photo_needs_consent'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('network', '0006_document_publication_and_unguessable_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
      CreateUnlessTableExists(
       table='network_newspost',
       operations=[
        migrations.CreateModel(
            name='NewsPost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('slug', models.SlugField(max_length=200, unique=True, verbose_name='slug')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=10, verbose_name='status')),
                ('publish_at', models.DateTimeField(default=django.utils.timezone.now, help_text='A time in the future schedules the post: it appears by itself at that time.', verbose_name='publication time')),
                ('lead', models.TextField(help_text='Two or three plain sentences: the essence.', max_length=500, verbose_name='lead')),
                ('body', models.TextField(blank=True, verbose_name='text')),
                ('hero_image', core.images.ResponsiveImageField(blank=True, height_field='hero_height', upload_to='news/', verbose_name='image', width_field='hero_width')),
                ('hero_width', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('hero_height', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('hero_alt', models.CharField(blank=True, help_text='What does the image show? Write it for someone who cannot see it.', max_length=250, verbose_name='image alt text')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('associations', models.ManyToManyField(blank=True, related_name='news', to='associations.association', verbose_name='related associations')),
                ('attachments', models.ManyToManyField(blank=True, related_name='news', to='network.document', verbose_name='attachments')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('campaign', models.ForeignKey(blank=True, help_text="The post appears on this campaign's page.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='news_posts', to='campaigns.campaign', verbose_name='campaign')),
                ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='news', to='network.network', verbose_name='network')),
                ('themes', models.ManyToManyField(blank=True, related_name='news', to='network.theme', verbose_name='themes')),
            ],
            options={
                'verbose_name': 'news post',
                'verbose_name_plural': 'news posts',
                'db_table': 'network_newspost',
                'ordering': ['-publish_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='NewsLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=150, verbose_name='label')),
                ('url', models.URLField(verbose_name='address')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='news.newspost', verbose_name='news post')),
            ],
            options={
                'verbose_name': 'external link',
                'verbose_name_plural': 'external links',
                'db_table': 'network_newslink',
                'ordering': ['post', 'position', 'pk'],
            },
        ),
        migrations.AddIndex(
            model_name='newspost',
            index=models.Index(fields=['status', 'publish_at'], name='network_new_status_05e90f_idx'),
        ),
        migrations.AddIndex(
            model_name='newspost',
            index=models.Index(django.db.models.functions.datetime.ExtractYear('publish_at'), models.F('publish_at'), condition=models.Q(('status', 'published')), name='newspost_public_year'),
        ),
        StoredSearchVector(
            model_name='NewsPost',
            fields={'A': ['title'], 'B': ['lead'], 'C': ['body']},
        ),
       ],
      ),
      migrations.RunPython(move_content_types, move_content_types_back),
    ]
