"""Each views module owns its URL patterns; this joins them under the `attendees` namespace."""

from attendees.views import sessions

app_name = "attendees"

urlpatterns = [*sessions.urlpatterns]
