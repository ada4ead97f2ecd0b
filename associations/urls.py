from django.urls import path

from associations import views

app_name = "associations"

# Fixed addresses come before <slug:slug>/: an association with the slug "in-beeld" could never be reached.
urlpatterns = [
    path("", views.association_list, name="list"),
    path("kaart/", views.association_map, name="map"),
    path("open-data.json", views.open_data_json, name="open_data_json"),
    path("open-data.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data.schema.json", views.open_data_schema, name="open_data_schema"),
    path("open-data/", views.open_data_page, name="open_data"),
    path("in-beeld/", views.story_list, name="story_list"),
    path("in-beeld/<slug:slug>/", views.story_detail, name="story"),
    path("<slug:slug>/", views.association_detail, name="detail"),
]
