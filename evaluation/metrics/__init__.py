"""Outcome metrics: pure pandas and scipy, DataFrames in and DataFrames (or dicts) out.

No database and no Django here, so every figure can be tested on hand-made frames. The
loader in evaluation builds the input frames (answers, items, registrations, memberships,
sessions, invitations, targets); these functions compute; `apply_disclosure` is applied
last, after any totals.
"""

from .disclosure import (
    FEWER_THAN_EIGHT,
    NO_PEOPLE,
    SUPPRESSED,
    SUPPRESSION_THRESHOLD,
    add_total_row,
    apply_disclosure,
    disclose_count,
)
from .outcomes import (
    ALL_ZERO,
    DZ_CI_METHOD,
    IDENTICAL,
    MANN_WHITNEY_METHOD,
    NO_PAIRS,
    ONE_PAIR,
    PAIRED_COLUMNS,
    PAIRED_COUNT_COLUMNS,
    PAIRED_STAT_COLUMNS,
    STATISTIC_COLUMNS,
    T_METHOD,
    THEN_TEST_COLUMNS,
    WELCH_METHOD,
    WILCOXON_METHOD,
    compare_phases,
    cronbach_alpha,
    holm,
    improved_count,
    paired_outcome,
    paired_outcomes,
    paired_scores,
    paired_statistics,
    then_test,
    wilcoxon_signed_rank,
)
from .participation import cost, reach, session_fill, survey_takeup
from .reaction import EXPERIENCE_LABELS, REACTION_COLUMNS, RELEVANCE_LABELS, reaction
from .selection import Selection, restrict
from .wide import Answers, WideAnswers, prepare

__all__ = [
    "ALL_ZERO",
    "Answers",
    "DZ_CI_METHOD",
    "EXPERIENCE_LABELS",
    "FEWER_THAN_EIGHT",
    "IDENTICAL",
    "MANN_WHITNEY_METHOD",
    "NO_PAIRS",
    "NO_PEOPLE",
    "ONE_PAIR",
    "PAIRED_COLUMNS",
    "PAIRED_COUNT_COLUMNS",
    "PAIRED_STAT_COLUMNS",
    "REACTION_COLUMNS",
    "RELEVANCE_LABELS",
    "STATISTIC_COLUMNS",
    "SUPPRESSED",
    "SUPPRESSION_THRESHOLD",
    "T_METHOD",
    "THEN_TEST_COLUMNS",
    "WELCH_METHOD",
    "WILCOXON_METHOD",
    "Selection",
    "WideAnswers",
    "add_total_row",
    "apply_disclosure",
    "compare_phases",
    "cost",
    "cronbach_alpha",
    "disclose_count",
    "holm",
    "improved_count",
    "paired_outcome",
    "paired_outcomes",
    "paired_scores",
    "paired_statistics",
    "prepare",
    "reach",
    "reaction",
    "restrict",
    "session_fill",
    "survey_takeup",
    "then_test",
    "wilcoxon_signed_rank",
]
