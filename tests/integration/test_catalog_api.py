"""The public catalogue API as the native app uses it (CONTRACT §1-2)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("database")


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_agencies_list_has_counts_per_maturity_level(client):
    body = client.get("/api/v1/agencies?per_page=100").get_json()
    assert body["total"] >= 25 and body["page"] == 1 and body["per_page"] == 100
    for agency in body["items"]:
        assert set(agency["levels"]) == {"1", "2", "3", "4"}
        assert sum(agency["levels"].values()) == agency["services_count"]
    assert sum(a["services_count"] for a in body["items"]) >= 150


def test_agency_names_follow_the_requested_language(client):
    arabic = client.get("/api/v1/agencies/MOI").get_json()
    english = client.get("/api/v1/agencies/MOI?lang=en").get_json()
    assert arabic["name"] == "وزارة الداخلية"
    assert english["name"] == "Ministry of Interior"


def test_arabic_is_the_default_and_content_language_is_sent(client):
    response = client.get("/api/v1/agencies/MOI")
    assert response.headers["Content-Language"] == "ar"
    response = client.get("/api/v1/agencies/MOI", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response.headers["Content-Language"] == "en"
    assert response.get_json()["name"] == "Ministry of Interior"


def test_unknown_lang_falls_back_to_arabic(client):
    response = client.get("/api/v1/agencies/MOI?lang=fr")
    assert response.headers["Content-Language"] == "ar"


def test_unknown_agency_is_not_found_in_the_contract_shape_and_language(client):
    error = error_of(client.get("/api/v1/agencies/NOPE"), 404)
    assert error["code"] == "not_found" and error["message"] == "غير موجود."
    error = error_of(client.get("/api/v1/agencies/NOPE?lang=en"), 404)
    assert error["message"] == "Not found."


def test_unknown_path_answers_the_contract_shape(client):
    assert error_of(client.get("/api/v1/nothing-here"), 404)["code"] == "not_found"
    assert error_of(client.get("/nothing-here?lang=en"), 404)["code"] == "not_found"


def test_method_not_allowed_uses_the_contract_shape(client):
    assert error_of(client.delete("/api/v1/services"), 405)["code"] == "method_not_allowed"


def test_categories_list_counts_services(client):
    body = client.get("/api/v1/categories?per_page=100").get_json()
    assert body["total"] >= 10
    assert sum(c["services_count"] for c in body["items"]) == client.get(
        "/api/v1/services").get_json()["total"]


@pytest.mark.parametrize("query, field", [
    ("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"),
    ("page=abc", "page"), ("level=5", "level"), ("level=0", "level"), ("level=x", "level"),
    ("channel=fax", "channel"),
])
def test_bad_list_parameters_name_the_field(client, query, field):
    error = error_of(client.get(f"/api/v1/services?{query}&lang=en"), 400)
    assert error["code"] == "validation_failed"
    assert field in error["fields"]


def test_every_bad_field_is_named_at_once(client):
    error = error_of(client.get("/api/v1/services?level=9&per_page=500"), 400)
    assert {"level", "per_page"} <= set(error["fields"])


def test_validation_messages_are_translated(client):
    ar = error_of(client.get("/api/v1/services?level=9"), 400)
    en = error_of(client.get("/api/v1/services?level=9&lang=en"), 400)
    assert en["fields"]["level"] == "Must be between 1 and 4."
    assert ar["fields"]["level"] != en["fields"]["level"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in ar["fields"]["level"])


def test_arabic_indic_digits_are_accepted_in_numbers(client):
    body = client.get("/api/v1/services?level=٣&per_page=١٠").get_json()
    assert body["per_page"] == 10
    assert body["items"] and all(item["level"] == 3 for item in body["items"])


def test_a_query_over_200_characters_is_rejected(client):
    error = error_of(client.get("/api/v1/services?q=" + "ا" * 201), 400)
    assert "q" in error["fields"]


@pytest.mark.parametrize("q", ['"', "'", "*", "%", "OR", "-", "\\", "a OR b", "%_%", "'; DROP",
                               "((", "ـــ", "😀", "\u200f", "   ", "NOT -x", "\x00"])
def test_search_syntax_never_breaks_the_search(client, q):
    response = client.get("/api/v1/services", query_string={"q": q})
    assert response.status_code == 200
    assert "items" in response.get_json()


def test_services_filter_by_agency_level_and_channel(client):
    body = client.get("/api/v1/services?agency=MOI-GDT&level=3&channel=app&per_page=100").get_json()
    assert body["total"] > 0
    for item in body["items"]:
        assert item["agency"]["code"] == "MOI-GDT" and item["level"] == 3
        assert "app" in item["channels"]


def test_service_list_items_have_the_contract_fields(client):
    item = client.get("/api/v1/services?per_page=1").get_json()["items"][0]
    assert {"code", "number", "name", "agency", "category", "level", "level_name", "fee_qar",
            "channels"} <= set(item)
    assert set(item["agency"]) == {"code", "name"} and set(item["category"]) == {"code", "name"}


def test_pagination_walks_the_whole_list_without_overlap(client):
    total = client.get("/api/v1/services").get_json()["total"]
    seen = []
    for page_no in range(1, total // 50 + 2):
        seen += [s["code"] for s in client.get(
            f"/api/v1/services?per_page=50&page={page_no}").get_json()["items"]]
    assert len(seen) == len(set(seen)) == total


def test_service_detail_by_code_number_and_arabic_digits(client):
    first = client.get("/api/v1/services?per_page=1&lang=en").get_json()["items"][0]
    by_code = client.get(f"/api/v1/services/{first['code']}?lang=en").get_json()
    by_number = client.get(f"/api/v1/services/{first['number']}?lang=en").get_json()
    arabic_digits = str(first["number"]).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    by_arabic = client.get(f"/api/v1/services/{arabic_digits}?lang=en").get_json()
    assert by_code == by_number == by_arabic
    for key in ("description", "required_documents", "forms", "processing_days",
                "delivery_available", "fields", "offices", "planned_launch", "launched_on"):
        assert key in by_code


def test_service_detail_describes_its_form(client):
    body = client.get("/api/v1/services?level=3&per_page=100").get_json()
    details = [client.get(f"/api/v1/services/{s['code']}").get_json() for s in body["items"]]
    fields = [f for d in details for f in d["fields"]]
    assert fields, "level-3 services carry a form"
    for field in fields:
        assert {"code", "label", "datatype", "required"} <= set(field)
        if field["datatype"] in ("singlevaluelist", "multivaluelist"):
            assert field["values"] and {"key", "name"} <= set(field["values"][0])


def test_unknown_service_is_not_found(client):
    assert error_of(client.get("/api/v1/services/NOPE-NOPE"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/v1/services/99999999"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/v1/services/" + "9" * 300), 404)["code"] == "not_found"


def test_offices_come_nearest_first_with_distances(client):
    body = client.get("/api/v1/offices?lat=25.2854&lng=51.5310&limit=20").get_json()
    distances = [o["distance_km"] for o in body["items"]]
    assert len(distances) == 20 and distances == sorted(distances)
    assert {"address", "lat", "lng", "opening_hours", "distance_km"} <= set(body["items"][0])


def test_offices_within_a_radius_only(client):
    body = client.get("/api/v1/offices?lat=25.68&lng=51.50&radius_km=15&limit=100").get_json()
    assert body["items"] and all(o["distance_km"] <= 15 for o in body["items"])


def test_offices_for_a_service_belong_to_it_or_its_agency(client):
    svc = client.get("/api/v1/services?agency=MOI-GDT&per_page=1").get_json()["items"][0]
    body = client.get(f"/api/v1/offices?service={svc['number']}&lat=25.3&lng=51.5").get_json()
    assert body["items"]


@pytest.mark.parametrize("query, field", [
    ("lat=abc&lng=51.5", "lat"), ("lat=25.3", "lng"), ("lng=51.5", "lat"),
    ("lat=91&lng=51", "lat"), ("lat=25&lng=181", "lng"), ("lat=25&lng=51&limit=0", "limit"),
    ("lat=nan&lng=51", "lat"), ("lat=25&lng=51&radius_km=-1", "radius_km"),
])
def test_bad_coordinates_name_the_field(client, query, field):
    error = error_of(client.get(f"/api/v1/offices?{query}"), 400)
    assert field in error["fields"]


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/swagger.json").get_json()
    assert "/services" in spec["paths"] and "/services/{ref}" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_health_readiness_and_metrics(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ok"
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and b"bawaba_http_requests_total" in metrics.data
