from django.urls import path

from .views import asking, profiles, public

app_name = "mentoring"

urlpatterns = [
    path("", public.programme_list, name="programmes"),
    path("profile/", profiles.mentee_profile, name="profile"),
    path("offer/", profiles.mentor_offer, name="offer"),
    path("requests/", asking.requests_page, name="requests"),
    path("requests/<id:pk>/accept/", asking.accept, name="accept"),
    path("requests/<id:pk>/decline/", asking.decline, name="decline"),
    path("requests/<id:pk>/withdraw/", asking.withdraw_request, name="withdraw_request"),
    path("<slug:slug>/", public.programme_page, name="programme"),
    path("<slug:slug>/join/<str:role>/", public.join, name="join"),
    path("<slug:slug>/leave/<str:role>/", public.withdraw, name="leave"),
    path("<slug:slug>/suggestions/", asking.suggestions, name="suggestions"),
    path("<slug:slug>/ask/<id:mentor_id>/", asking.ask, name="ask"),
]

# Programme slugs that would hide a page above.
RESERVED_SLUGS = frozenset({"profile", "offer", "requests", "space"})
