from django.urls import path

from news import feeds
from news import views as news_views

app_name = "news"

urlpatterns = [
    path("", news_views.news_list, name="list"),
    path("feed/", feeds.rss, name="rss"),
    path("atom/", feeds.atom, name="atom"),
    path("voorbeeld/<int:pk>/", news_views.news_preview, name="preview"),
    path("<int:year>/<slug:slug>/", news_views.news_detail, name="detail"),
]
