from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from config import views
from core import media, search, sitemaps
from events import views as event_views
from newsletter import urls as newsletter_urls
from newsletter import views as newsletter_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/worker", newsletter_views.healthz_worker, name="healthz_worker"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("privacy/", views.privacy, name="privacy"),
    # The admin signs in through allauth (email, second factor, rate limits).
    path("beheer/login/", views.admin_login, name="admin_login"),
    # The news had the network app's admin addresses until it became an app of its own.
    re_path(
        r"^beheer/network/(?P<model>newspost|newslink)/(?P<rest>.*)$",
        RedirectView.as_view(url="/beheer/news/%(model)s/%(rest)s", permanent=True, query_string=True),
    ),
    path("beheer/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("sitemap.xml", sitemaps.view, name="sitemap"),
    path("zoeken/", search.search, name="search"),
    path("nieuws/", include("news.urls")),
    path("verenigingen/", include("associations.urls")),
    path("mijn-vereniging/", include("associations.volunteer_urls")),
    path("agenda/", include("events.urls")),
    path("agenda.ics", event_views.calendar_feed, name="events_feed"),
    path("agenda.json", event_views.events_json, name="events_json"),
    path("acties/", include("campaigns.urls")),
    path("nieuwsbrief/", include("newsletter.urls")),
    # The mail provider's bounce and complaint webhooks (django-anymail), behind WEBHOOK_SECRET.
    path("anymail/", include(newsletter_urls.webhook_urlpatterns)),
    path("", include("network.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.+)$", media.serve, name="media"))

if settings.BENCH_BASELINE:
    urlpatterns.insert(0, path("bench/baseline/", views.bench_baseline, name="bench_baseline"))

handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
# allauth answers too many sign-in attempts with this view.
handler429 = "config.views.too_many_requests"
