from django.urls import path

from network import donation_views, sharing, views

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
    # Previews of every kind of public content (core/previews.py), for staff and by share link.
    path("voorbeeld/gedeeld/<str:token>/", sharing.shared_preview, name="shared_preview"),
    path("voorbeeld/<str:label>/<int:pk>/", sharing.staff_preview, name="preview"),
]
