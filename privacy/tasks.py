"""The daily retention purge, run by the worker's scheduler (settings.PERIODIC_JOBS)."""

from django.conf import settings
from django_tasks import task


@task()
def purge_personal_data_task() -> dict[str, int]:
    """Erases the people whose retention period has run out, and deletes the research extracts'
    files kept their time (docs/retention.md)."""
    from privacy import services

    plan = services.purge_plan(
        retention_days=settings.PERSONAL_DATA_RETENTION_DAYS, extract_days=settings.RESEARCH_EXTRACT_RETENTION_DAYS
    )
    return {
        "people_erased": services.purge_personal_data(plan=plan),
        "extracts_deleted": services.delete_expired_extracts(plan=plan),
    }
