"""Each views module owns its URL patterns; this joins them under the `feedback` namespace."""

from feedback.views import answer, imports, organise

app_name = "feedback"

urlpatterns = [*answer.urlpatterns, *imports.urlpatterns, *organise.urlpatterns]
