"""The two staff roles, as Django groups (created by migration summits/0002)."""

ORGANISER = "Organiser"
EVALUATOR = "Evaluator"
ROLES = {"organiser": ORGANISER, "evaluator": EVALUATOR}
