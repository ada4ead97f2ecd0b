from django.urls import URLPattern, path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("bedankt/", views.thanks, name="thanks"),
    path("bevestig/<str:token>/", views.confirm_subscription, name="confirm"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("voorkeuren/<str:token>/", views.preferences, name="preferences"),
    path("archief/", views.archive, name="archive"),
    path("archief/<slug:network_slug>/", views.network_archive, name="network_archive"),
    path("archief/<slug:network_slug>/<int:pk>/", views.issue_detail, name="issue"),
    path("voorbeeld/<int:pk>/", views.preview, name="preview"),
]


def _webhook_urlpatterns():
    """anymail's tracking webhooks (one per mail provider), each refused while no WEBHOOK_SECRET is set."""
    from anymail.urls import urlpatterns as anymail_urlpatterns

    return [
        URLPattern(
            pattern.pattern, views.webhook_secret_required(pattern.callback), pattern.default_args, pattern.name
        )
        for pattern in anymail_urlpatterns
        if pattern.name.endswith("_tracking_webhook")
    ]


# Included by config/urls.py under /anymail/, outside the Dutch addresses of the site.
webhook_urlpatterns = (_webhook_urlpatterns(), "anymail")
