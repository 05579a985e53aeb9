"""The default questionnaires, from the roadmap's Leadership ambition: leaders "more confident in
making decisions about data, information and technology" who "know the best ways to assure
themselves that those decisions are safe and appropriate".

The confidence items are word for word the same in the pre, post and follow-up surveys, with
the same codes, so a person's answers pair by code.
"""

from dataclasses import dataclass, field

from feedback.enums import (
    CONFIDENCE_LABELS,
    EXPERIENCE_LABELS,
    RELEVANCE_LABELS,
    ItemPurpose,
    ItemType,
    SurveyKind,
)


@dataclass(frozen=True)
class ItemSpec:
    code: str
    text: str
    type: str
    purpose: str = ItemPurpose.OTHER
    required: bool = True
    hint: str = ""
    domain: str = ""
    focus_area: int | None = None  # FocusArea.number
    retrospective_of: str = ""
    choices: list[str] = field(default_factory=list)


def confidence_items(focus_areas: list[tuple[int, str]]) -> list[ItemSpec]:
    """The overall item, the assurance item and one per focus area: (number, name) pairs."""
    items = [
        ItemSpec(
            code="conf_overall",
            text="How confident are you in making decisions about data, information and technology?",
            type=ItemType.LIKERT,
            purpose=ItemPurpose.CONFIDENCE,
            domain="overall",
            choices=CONFIDENCE_LABELS,
        ),
        ItemSpec(
            code="conf_assurance",
            text=(
                "How confident are you that you know how to assure yourself that those decisions are safe "
                "and appropriate?"
            ),
            type=ItemType.LIKERT,
            purpose=ItemPurpose.CONFIDENCE,
            domain="assurance",
            choices=CONFIDENCE_LABELS,
        ),
    ]
    for number, name in focus_areas:
        items.append(
            ItemSpec(
                code=f"conf_focus_{number}",
                text=f"How confident are you about {name[0].lower()}{name[1:]}?",
                type=ItemType.LIKERT,
                purpose=ItemPurpose.CONFIDENCE,
                domain=f"focus_{number}",
                focus_area=number,
                choices=CONFIDENCE_LABELS,
            )
        )
    return items


def retrospective_items(confidence: list[ItemSpec]) -> list[ItemSpec]:
    """The then-test: "before the workshop, how confident were you…", optional."""
    return [
        ItemSpec(
            code=f"retro_{spec.code.removeprefix('conf_')}",
            text="Thinking back to before the workshop: " + spec.text.replace("are you", "were you", 1),
            type=ItemType.LIKERT,
            purpose=ItemPurpose.RETROSPECTIVE,
            required=False,
            hint="Optional. Answer as you would have rated yourself before the workshop, knowing what you know now.",
            domain=spec.domain,
            focus_area=spec.focus_area,
            retrospective_of=spec.code,
            choices=CONFIDENCE_LABELS,
        )
        for spec in confidence
    ]


def default_items(kind: str, focus_areas: list[tuple[int, str]]) -> list[ItemSpec]:
    confidence = confidence_items(focus_areas)
    if kind == SurveyKind.PRE:
        return confidence
    if kind == SurveyKind.FOLLOW_UP:
        return [
            *confidence,
            ItemSpec(
                code="applied_since",
                text="What have you applied from the workshop since you attended?",
                type=ItemType.TEXT,
                purpose=ItemPurpose.APPLIED,
                required=False,
            ),
        ]
    return [
        *confidence,
        ItemSpec(
            code="experience",
            text="Overall, how was your experience of the workshop?",
            type=ItemType.LIKERT,
            purpose=ItemPurpose.EXPERIENCE,
            choices=EXPERIENCE_LABELS,
        ),
        ItemSpec(
            code="relevance",
            text="How relevant was the workshop to your role?",
            type=ItemType.LIKERT,
            purpose=ItemPurpose.RELEVANCE,
            choices=RELEVANCE_LABELS,
        ),
        ItemSpec(
            code="recommend",
            text="How likely are you to recommend the workshop to a colleague?",
            type=ItemType.SCALE_0_10,
            purpose=ItemPurpose.RECOMMEND,
            hint="0 is not at all likely and 10 is extremely likely.",
        ),
        *retrospective_items(confidence),
        ItemSpec(
            code="do_differently",
            text="What is one thing you will do differently as a result of the workshop?",
            type=ItemType.TEXT,
            purpose=ItemPurpose.ACTION,
            required=False,
        ),
        ItemSpec(
            code="digital_champion",
            text="Would you like to be a digital champion in your organisation?",
            type=ItemType.YES_NO,
            purpose=ItemPurpose.CHAMPION,
            hint="Digital champions help colleagues with digital work locally. We will share your name with the "
            "programme team so they can contact you.",
        ),
    ]


TITLES = {
    SurveyKind.PRE: "Before the workshop",
    SurveyKind.POST: "After the workshop",
    SurveyKind.FOLLOW_UP: "Three months on",
}

INTRODUCTIONS = {
    SurveyKind.PRE: "Tell us how confident you feel now, before the workshop. It takes about 3 minutes.",
    SurveyKind.POST: (
        "Tell us how confident you feel now, and what you thought of the workshop. It takes about 5 minutes."
    ),
    SurveyKind.FOLLOW_UP: "Tell us how confident you feel now, some months after the workshop.",
}
