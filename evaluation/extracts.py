"""The research extract: record-level, pseudonymised answers for one selection, as CSV.

Kept apart from the standard outputs (which hold aggregates only) and built by a background task
(evaluation.tasks.build_research_extract). What it holds and leaves out:

- one row per participant × survey × question with a numeric answer: `participant` (a random key,
  new in every extract, so rows cannot be linked across extracts or to any other output),
  `phase`, `theme`, `survey`, `question` (the item code) and `value`;
- never a name, email, session code or date, a free-text answer or the digital-champion answer;
- never for a selection of fewer than 8 participants.
"""

import csv
import io
import secrets
from dataclasses import dataclass

from evaluation import metrics
from evaluation.data import Frames
from evaluation.reporting import Filters

HEADER = ["participant", "phase", "theme", "survey", "question", "value"]
# Item kinds never in an extract: free text, and yes / no (the digital-champion question).
LEFT_OUT_KINDS = {"text", "yes_no"}
KEY_BYTES = 8


class TooFewParticipants(Exception):
    pass


@dataclass
class Extract:
    content: bytes
    participants: int
    rows: int


def build_extract(frames: Frames, filters: Filters) -> Extract:
    """The extract's CSV for the selection; raises TooFewParticipants below 8 people."""
    answers = metrics.prepare(frames.answers)
    selection = metrics.restrict(
        answers,
        frames.registrations,
        frames.memberships,
        frames.sessions,
        invitations=frames.invitations,
        **filters.as_kwargs(),
    )
    kinds = dict(zip(frames.items["item"], frames.items["kind"], strict=True))
    rows = selection.answers.frame
    rows = rows[rows["value"].notna() & ~rows["item"].astype(str).map(kinds).isin(LEFT_OUT_KINDS)]
    people = metrics.distinct(rows["participant"])
    if len(people) <= metrics.SUPPRESSION_THRESHOLD:
        raise TooFewParticipants(f"The selection has {'no' if not people else 'fewer than 8'} participants")
    # Keys drawn at random for this extract only; sorting by them shuffles the people.
    keys = {person: "R" + secrets.token_hex(KEY_BYTES) for person in people}
    where = selection.registrations.set_index("registration")[["phase", "theme"]]
    # Plain strings: a categorical key would sort in the order of the participant keys, which is
    # the same in every extract (and so would link two extracts' rows), not in this one's.
    rows = rows.join(where, on="registration").assign(key=rows["participant"].astype(object).map(keys))
    rows = rows.sort_values(["key", "phase", "theme", "survey", "item"], kind="stable")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for key, phase, theme, survey, item, value in zip(
        rows["key"],
        rows["phase"],
        rows["theme"],
        rows["survey"].astype(str),
        rows["item"].astype(str),
        rows["value"],
        strict=True,
    ):
        writer.writerow([key, phase, theme, survey, item, f"{float(value):g}"])
    return Extract(buffer.getvalue().encode("utf-8"), participants=len(people), rows=len(rows))
