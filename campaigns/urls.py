from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/bedankt/", views.thanks, name="thanks"),
    path("<slug:slug>/bevestig/<str:token>/", views.confirm_signature, name="confirm"),
    path("<slug:slug>/handtekening/<str:token>/", views.erase_signature, name="erase"),
]
