from django.urls import path

from network import donation_views, views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("steun-ons/", donation_views.donate, name="donate"),
    path("steun-ons/qr.png", donation_views.donate_qr, name="donate_qr"),
    path("netwerken/", views.network_list, name="network_list"),
    path("netwerken/<slug:slug>/", views.network_detail, name="detail"),
    path("netwerken/<slug:slug>/huisstijl.css", views.network_stylesheet, name="stylesheet"),
    path("netwerken/<slug:network_slug>/steun-ons/", donation_views.donate, name="network_donate"),
    path("netwerken/<slug:network_slug>/steun-ons/qr.png", donation_views.donate_qr, name="network_donate_qr"),
    path("netwerken/<slug:network_slug>/partners/", views.partner_list, name="partners"),
    path("netwerken/<slug:network_slug>/<slug:slug>/", views.page_detail, name="page"),
    path("themas/", views.theme_list, name="theme_list"),
    path("themas/<slug:slug>/", views.theme_detail, name="theme"),
    path("documenten/", views.document_list, name="document_list"),
]
