"""build_report: reads the frames, builds every raw table, discloses them all, and assembles the
EvaluationReport that the dashboard and every export render."""

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone

from evaluation import criteria as criteria_module
from evaluation import metrics, screening
from evaluation.data import Frames, load_frames
from evaluation.report import EvaluationReport, RawTable, disclose
from summits.models import FocusArea, Programme

from . import charts, outcomes, participation, reaction, summary
from .context import Context, Filters


def build_report(
    programme: Programme, filters: Filters | None = None, *, frames: Frames | None = None
) -> EvaluationReport:
    """The whole evaluation for one selection of one programme, aggregates only and
    disclosure-controlled (record-level data is the research extract's, evaluation.extracts)."""
    filters = filters or Filters()
    frames = frames or load_frames(programme)
    # Pivoted once: every table, breakdown and criterion below slices the same matrix.
    frames = dataclasses.replace(frames, answers=metrics.prepare(frames.answers))
    # One pair per person everywhere below: the order of all registrations is worked out once, here.
    metrics.one_per_person(frames.answers, frames.registrations, frames.sessions)
    selection = metrics.restrict(
        frames.answers,
        frames.registrations,
        frames.memberships,
        frames.sessions,
        invitations=frames.invitations,
        **filters.as_kwargs(),
    )
    domain_labels = {"overall": "Overall", "assurance": "Assurance"}
    domain_labels |= {f"focus_{area.number}": area.short_name for area in FocusArea.objects.order_by("number")}
    ctx = Context(
        frames=frames,
        filters=filters,
        selection=selection,
        domain_labels=domain_labels,
        screen=screening.known_screen,
    )

    reach_rows = participation.reach_rows(ctx)
    takeup_rows = participation.takeup_rows(ctx)
    reaction_rows = reaction.reaction_rows(ctx)
    cost_row = participation.cost_row(ctx)
    phase_rows = outcomes.phase_rows(ctx)
    raw: list[RawTable] = [
        *outcomes.outcome_tables(ctx),
        *outcomes.group_and_theme_tables(ctx),
        outcomes.then_test_table(ctx),
        outcomes.reliability_table(ctx),
        outcomes.attrition_table(ctx),
        *participation.reach_tables(reach_rows),
        participation.sessions_table(ctx),
        *participation.takeup_tables(takeup_rows),
        *reaction.reaction_tables(reaction_rows),
        *outcomes.phase_tables(ctx),
        participation.cost_table(ctx),
    ]
    for optional in (reaction.comments_table(ctx), outcomes.versions_table(ctx)):
        if optional is not None:
            raw.append(optional)
    # With no filter the report's selection is the whole programme: its narrowing and its
    # phases' serve the criteria too.
    whole = {} if any(filters.as_kwargs().values()) else ctx.phase_selections()
    criteria, judged = summary.criteria_results(programme, frames, whole)
    headline, detail = criteria_module.recommendation(judged)
    headlines = summary.headlines(ctx, takeup_rows[-1] if takeup_rows else {}, reaction_rows[-1], cost_row)
    return EvaluationReport(
        programme=programme.name,
        selection=filters.describe(),
        generated_at=timezone.localtime(timezone.now()),
        recommendation=headline,
        recommendation_detail=detail,
        headlines=headlines,
        criteria=criteria,
        tables=[disclose(table) for table in raw],
        charts=charts.charts(ctx, reach_rows, phase_rows),
        methods=summary.methods(),
        disclosure_note=summary.DISCLOSURE_NOTE,
        research_note=summary.RESEARCH_EXTRACT_NOTE,
        summary=ctx.cache["summary"],
        # The cost of the sessions already held; none under a group or region filter (costs are per session).
        total_cost=None if cost_row["total"] is None else Decimal(str(round(float(cost_row["total"]), 2))),
    )


def report_period(programme: Programme) -> tuple[datetime.date | None, datetime.date | None]:
    phases = list(programme.phases.order_by("starts_on"))
    if not phases:
        return None, None
    return phases[0].starts_on, phases[-1].ends_on
