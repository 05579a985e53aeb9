"""Builds the EvaluationReport for a programme and a selection: reads the frames (evaluation.data),
computes (evaluation.metrics), judges the success criteria (evaluation.criteria) and lays it all
out as tables, charts and headlines. The dashboard and the CSV, XLSX and PDF exports all render
this one object, so they always agree.

Disclosure control is by construction: a builder never rounds, suppresses or withholds anything
itself. It returns a `RawTable` of exact figures whose columns declare what they are, and
`build_report` passes every table through `evaluation.report.disclose` — the only way to make
the `Table` that an `EvaluationReport`, a `Chart`, a `Headline` or a `CriterionResult` accepts.

Modules, one per table family: `outcomes` (paired change by question, group, theme, follow-up,
then-test, reliability, pilot vs rollout), `participation` (reach, sessions, survey take-up,
cost), `reaction` (reaction and the screened free text), `charts`, `summary` (headlines, criteria
as shown, methods, the disclosure note), `build` (build_report).

How to add a table or a column
------------------------------
1. Compute the exact figures in a builder of the right module, one dict per row (use
   `context.records(frame)` for a metrics DataFrame).
2. Declare each column with a constructor from `evaluation.report`:
   - `label(key, "Heading", is_key=True)` for what a row is about (and `label("note", "Note")`);
   - `count(key, "Heading")` for a number of people, registrations or invitations — add
     `hidden=True` for a count that only a rate or statistic needs;
   - `rate(key, "Heading", numerator=..., denominator=...)` for a percentage (or `scale=1,
     format="money"` for a cost per person; `minus=...` for a difference such as NPS): numerator
     and denominator name count or planning columns of the same table;
   - `statistic(key, "Heading", n=..., format="number" | "signed" | "p" | "df")` for a mean,
     CI, test or effect size, naming the count column of the people it rests on;
   - `planning(key, "Heading", format="integer" | "money")` for targets, capacity and cost.
3. Return `RawTable(slug, title, columns, rows, note=..., partitions=[(whole, [parts])])` — declare
   a partition wherever shown counts of a row add up exactly to another (improved + unchanged +
   worsened = matched pairs), so that no suppressed part can be worked out by subtraction — and
   add it to the list in
   `build.build_report`. Keep a table to about 9 shown columns; put the rest in a second
   "…_detail" table so that it fits a page at 1,280 px and in the PDF.
A chart, a headline or a criterion's value is made the same way (`report.figure` for one
figure, `Chart(table=disclose(raw), ...)` for a chart).
"""

from .build import build_report, report_period
from .context import Filters
from .summary import DISCLOSURE_NOTE, RESEARCH_EXTRACT_NOTE, methods

__all__ = ["DISCLOSURE_NOTE", "RESEARCH_EXTRACT_NOTE", "Filters", "build_report", "methods", "report_period"]
