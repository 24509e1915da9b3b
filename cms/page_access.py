"""Whether a request may see a page behind Wagtail's privacy settings."""


def admits(page, request) -> bool:
    """Every view restriction on ``page`` (its own and its ancestors': log-in,
    groups, password) lets ``request`` through, by Wagtail's own check, as
    serving the page does. Apps showing a page's content elsewhere (a step bar,
    a consult question, a completion) ask this."""
    return all(r.accept_request(request) for r in page.get_view_restrictions())
