from django.urls import path

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
