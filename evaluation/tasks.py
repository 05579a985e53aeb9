"""Background tasks for the evaluation. Each takes ids, loads what it needs and calls one service."""

from django_tasks import task


@task()
def build_research_extract(extract_id: int) -> None:
    from evaluation import services

    services.build_extract(extract_id=extract_id)
