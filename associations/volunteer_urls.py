from django.urls import path

from associations import volunteer_views

app_name = "volunteers"

urlpatterns = [
    path("", volunteer_views.home, name="home"),
    path("klopt-dit/<str:token>/", volunteer_views.check_confirm, name="check"),
    path("<slug:slug>/", volunteer_views.edit, name="edit"),
]
