"""The API's reference: a page of Headway written from the OpenAPI schema, and the schema."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_without_signing_in(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    assert "/api/v1/key-results/{key_result_id}/check-ins" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_reference_lists_every_operation(client_for, pm):
    page = client_for(pm).get(reverse("api:docs")).text
    assert "Record a check-in" in page
    assert "/api/v1/key-results/{key_result_id}/check-ins" in page
    assert "The day of the reading, within the key result’s quarter; today if left out." in page
    assert reverse("api:tokens") in page


def test_the_reference_in_french(client_for, pm):
    page = client_for(pm).get(reverse("api:docs"), headers={"Accept-Language": "fr"}).text
    assert "Enregistrer un point d’avancement" in page
    assert "Record a check-in" not in page


def test_the_reference_needs_signing_in(client):
    assert client.get(reverse("api:docs")).status_code == 302


def test_the_apis_root_leads_to_its_reference(client_for, pm):
    response = client_for(pm).get("/api/v1/")
    assert response.status_code == 302 and response.url == reverse("api:docs")
