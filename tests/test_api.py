"""The OpenAPI description covers every /api/ route (datasette-style documentation test)."""

from django.urls import get_resolver, reverse

from territoria.web import api


def api_routes() -> set[str]:
    """Every route of the `api` namespace, in OpenAPI's path syntax."""
    [site] = get_resolver().url_patterns
    [api_include] = [p for p in site.url_patterns if getattr(p, "namespace", None) == "api"]
    routes = set()
    for pattern in api_include.url_patterns:
        route = str(pattern.pattern).replace("<int:pk>", "{id}").replace("<str:kind>", "{kind}")
        if route not in ("", "openapi.json"):  # the index and the description itself
            routes.add("/api/" + route)
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
