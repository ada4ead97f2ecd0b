"""The open data of the demo content validates against the schemas the site ships and serves."""

import json

import jsonschema
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demos_open_data_validates_against_the_served_schemas(client):
    call_command("load_demo", verbosity=0)
    for data_path, schema_path, key in [
        ("/verenigingen/open-data.json", "/verenigingen/open-data.schema.json", "associations"),
        ("/agenda.json", "/agenda/open-data.schema.json", "events"),
    ]:
        data = json.loads(client.get(data_path).content)
        schema = json.loads(client.get(schema_path).content)
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
        assert data["count"] == len(data[key]) > 0, data_path
    associations = json.loads(client.get("/verenigingen/open-data.json").content)["associations"]
    # Demo associations have opening hours and coordinates (issue 21, item 8).
    assert any(association["opening_hours"] for association in associations)
    assert all(association["latitude"] is not None for association in associations)
