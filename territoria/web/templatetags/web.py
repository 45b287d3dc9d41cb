from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (pagination, format)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    if "page" not in changes:
        query.pop("page", None)
    return query.urlencode()


@register.simple_tag
def facet_options(choices, chosen):
    """[(value, label, count)] for a library facet fieldset: the library shows no counts."""
    return [(value, label, None) for value, label in choices]


@register.simple_tag
def search_facet(counts, labels=None):
    """Search facets: [(value, label, count)] from the backend's counts."""
    labels = labels or {}
    return [(value, labels.get(value, value), count) for value, count in counts.items()]
