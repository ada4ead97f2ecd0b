from django.urls import path

from events import views

app_name = "events"

# Fixed addresses and the year come before <slug:slug>/; event slugs of digits only or
# named like a fixed address are refused (events.models.validate_event_slug).
urlpatterns = [
    path("", views.event_list, name="list"),
    path("archief/", views.event_archive, name="archive"),
    path("inschrijving/annuleren/<str:token>/", views.registration_cancel, name="cancel"),
    path("inschrijving/bevestigen/<str:token>/", views.registration_confirm, name="confirm"),
    path("open-data/", views.open_data_page, name="open_data"),
    path("open-data.schema.json", views.open_data_schema, name="open_data_schema"),
    path("<int:year>/", views.event_year, name="year"),
    path("<slug:slug>.ics", views.event_ics, name="ics"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/inschrijven/", views.registration_form, name="register"),
    path("<slug:slug>/inschrijven/bedankt/", views.registration_thanks, name="registration_thanks"),
    # Staff pages for one event (events/permissions.py).
    path("<slug:slug>/inschrijven-voor-anderen/", views.register_others, name="register_others"),
    path("<slug:slug>/aanwezigheden/", views.attendance, name="attendance"),
]
