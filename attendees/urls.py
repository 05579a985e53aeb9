"""Each views module owns its URL patterns; this joins them under the `attendees` namespace."""

from attendees.views import attendee, messages, organise, people, sessions

app_name = "attendees"

urlpatterns = [
    *attendee.urlpatterns,
    *sessions.urlpatterns,
    *organise.urlpatterns,
    *people.urlpatterns,
    *messages.urlpatterns,
]
