"""Each views module owns its URL patterns; this joins them under the `feedback` namespace."""

from feedback.views import answer, imports

app_name = "feedback"

urlpatterns = [*answer.urlpatterns, *imports.urlpatterns]
