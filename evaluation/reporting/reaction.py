"""Reaction (post-survey satisfaction, relevance, likelihood to recommend) and the free-text
answers, screened and unattributed."""

import random

from evaluation import metrics, screening
from evaluation.report import RawTable, count, label, rate, statistic
from summits.enums import Theme

from .context import Context, records

NOTE = label("note", "Note")
# Each registration has one theme, so the "All themes" row adds up the themes' rows.
REACTION_COUNTS = ["n_experience", "n_good", "n_relevance", "n_recommend", "n_promoters", "n_detractors"]


def reaction_rows(ctx: Context) -> list[dict]:
    sel = ctx.selection
    by_theme = metrics.reaction(sel.answers, ctx.frames.items, by_frame=sel.registrations, by="theme")
    overall = metrics.reaction(sel.answers, ctx.frames.items)
    rows = [row | {"theme": Theme(row["theme"]).label} for row in records(by_theme)]
    rows += [row | {"theme": "All themes"} for row in records(overall)]
    for row in rows:
        row["n_good"] = int(row.get("experience_4") or 0) + int(row.get("experience_5") or 0)
    return rows


def reaction_tables(rows: list[dict]) -> list[RawTable]:
    theme = label("theme", "Theme", is_key=True)
    labels = metrics.EXPERIENCE_LABELS
    return [
        RawTable(
            "reaction",
            "Reaction: experience, relevance and likelihood to recommend",
            [
                theme,
                count("n_experience", "Rated the experience"),
                count("n_good", "Good or very good"),
                rate("pct_good_or_very_good", "Good or very good %", numerator="n_good", denominator="n_experience"),
                count("n_relevance", "Rated relevance", hidden=True),
                statistic("relevance_mean", "Relevance (mean, 1–5)", n="n_relevance"),
                count("n_recommend", "Rated likelihood to recommend", hidden=True),
                count("n_promoters", "Promoters", hidden=True),
                count("n_detractors", "Detractors", hidden=True),
                rate(
                    "nps",
                    "Net Promoter Score",
                    numerator="n_promoters",
                    minus="n_detractors",
                    denominator="n_recommend",
                    format="number",
                ),
                NOTE,
            ],
            rows,
            note="From the post survey. Net Promoter Score: % scoring 9–10 minus % scoring 0–6 on likelihood to "
            "recommend (−100 to +100), from the counts as rounded for disclosure.",
            column_totals=REACTION_COUNTS,
        ),
        RawTable(
            "experience_ratings",
            "Ratings of the experience",
            [theme, count("n_experience", "Answered"), count("n_good", "Good or very good", hidden=True)]
            + [count(f"experience_{point}", labels[point]) for point in range(5, 0, -1)],
            rows,
            note="People who rated their overall experience in the post survey.",
            # The five ratings add up to the people who answered; good and very good to the
            # "good or very good" count of the reaction table.
            partitions=[
                ("n_experience", [f"experience_{point}" for point in range(5, 0, -1)]),
                ("n_good", ["experience_5", "experience_4"]),
            ],
            column_totals=["n_experience", "n_good", *(f"experience_{point}" for point in range(1, 6))],
        ),
    ]


def comments_table(ctx: Context) -> RawTable | None:
    """Free-text answers as an unattributed list, screened for names and contact details,
    shuffled, and only for questions more than 7 people in the selection answered."""
    texts = ctx.frames.texts
    if texts.empty:
        return None
    chosen = texts[texts["registration"].isin(ctx.selection.registrations["registration"])]
    participants = ctx.selection.registrations.set_index("registration")["participant"]
    labels = ctx.measure_labels()
    screen = None
    rows = []
    for item, group in chosen.groupby("item", sort=True):
        people = group["registration"].map(participants).nunique()
        if people <= metrics.SUPPRESSION_THRESHOLD:
            continue
        if screen is None:  # the names are read only when some free text will be shown
            screen = ctx.screen() if ctx.screen else screening.Screen()
        answers = sorted(screen(text) for text in group["text"].tolist())
        random.Random(item).shuffle(answers)
        rows += [{"question": labels.get(item, item), "answer": text} for text in answers]
    if not rows:
        return None
    return RawTable(
        "comments",
        "Free-text answers (unattributed)",
        [label("question", "Question", is_key=True), label("answer", "Answer")],
        rows,
        note="Shown without any key, in random order, only for questions answered by more than 7 people in this "
        f"selection, and screened: {screening.DESCRIPTION}",
    )
