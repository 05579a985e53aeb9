"""Reading a programme's evaluation data from the database into the frames evaluation.metrics
takes (answers, items, registrations, memberships, sessions, invitations, targets).

Every frame identifies people only by the pseudonymous participant key (feedback.pseudonyms):
no name or email is read. A fixed number of queries whatever the programme's size; the answer
rows, by far the largest, are read with one plain SQL query straight into columns (the ORM's
per-row objects would cost more than the statistics). pandas is imported inside functions
(STYLE.md: heavy libraries stay in their corner).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.utils import timezone

from attendees.enums import ACTIVE, HOLDS_A_PLACE, RegistrationStatus
from attendees.models import GroupTarget, Invitation, LeadershipGroup, Organisation, Person, Registration
from feedback.enums import ItemPurpose, ItemType, SurveyKind
from feedback.models import Answer, Item, Questionnaire, Response, SurveyLink
from feedback.pseudonyms import DIGEST_BYTES, keys_of, participant_digests
from feedback.queries import refused_links
from summits.enums import SessionStatus
from summits.models import CostLine, FocusArea, Programme, Session

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# How feedback's item purposes map to the metrics' item kinds.
KINDS = {
    ItemPurpose.CONFIDENCE: "confidence",
    ItemPurpose.RETROSPECTIVE: "retrospective",
    ItemPurpose.EXPERIENCE: "experience",
    ItemPurpose.RELEVANCE: "relevance",
    ItemPurpose.RECOMMEND: "recommend",
    ItemPurpose.CHAMPION: "yes_no",
    ItemPurpose.ACTION: "text",
    ItemPurpose.APPLIED: "text",
}


@dataclass
class Frames:
    answers: "pd.DataFrame"
    items: "pd.DataFrame"
    registrations: "pd.DataFrame"
    memberships: "pd.DataFrame"
    sessions: "pd.DataFrame"
    invitations: "pd.DataFrame"
    targets: "pd.DataFrame"
    texts: "pd.DataFrame"  # free-text answers: registration, survey, item, text (never shown with a key)
    total_cost: float
    versions: "pd.DataFrame | None" = None  # questionnaire versions with answers (load_versions)


def _rows(queryset) -> list[tuple]:
    """A values_list queryset's rows in one fetch, without the ORM's per-row work (it only
    holds integers and strings, which the database returns as they are)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(rows: list[tuple], width: int) -> list[list]:
    """The rows' columns, one list each: zip(*rows) is a call with one argument per row, ~8×
    slower on 100,000 rows."""
    return [[row[column] for row in rows] for column in range(width)]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


ITEM_COLUMNS = ["item", "kind", "domain", "label", "scale_min", "scale_max", "retrospective_of", "order", "versions"]


def _stored_items(programme: Programme) -> list[Item]:
    return list(
        Item.objects.filter(questionnaire__programme=programme)
        .select_related("questionnaire")
        .order_by("questionnaire__version", "order", "pk")
    )


def load_item_codes(programme: Programme, items: list[Item] | None = None) -> tuple["pd.DataFrame", dict[int, str]]:
    """The items the metrics see, and which of them each stored item (by id) is.

    Answers pair across surveys and versions by the item's stable code — but only while it
    measures the same thing: a version that gives a code another purpose or domain starts a new
    item, so answers to the older meaning keep their own item ("<code>~<domain>") and domain and
    never pair with the new one. The code itself goes to the meaning of the newest version. An
    item's `label` is its wording; when versions worded it differently (the organiser confirmed
    the meaning unchanged), the label gives each version's wording, so every answer is reported
    under the wording it was given. `versions` lists the survey versions that asked it.
    """
    import pandas as pd

    if items is None:
        items = _stored_items(programme)
    meanings: dict[tuple[str, str, str], list[Item]] = {}
    for item in items:
        kind = KINDS.get(item.purpose) or ("text" if item.type == ItemType.TEXT else "choice")
        meanings.setdefault((item.code, kind, item.domain), []).append(item)
    newest: dict[str, tuple[str, str, str]] = {}
    for key, versions in meanings.items():
        latest = max(version.questionnaire.version for version in versions)
        if key[0] not in newest or latest >= max(v.questionnaire.version for v in meanings[newest[key[0]]]):
            newest[key[0]] = key
    rows, codes = [], {}
    for key, versions in meanings.items():
        code, kind, domain = key
        name = code if newest[code] == key else f"{code}~{domain or kind}"
        first = versions[0]
        wordings: dict[str, list[str]] = {}
        for version in versions:
            codes[version.pk] = name
            wordings.setdefault(version.text, []).append(
                f"{version.questionnaire.get_kind_display().lower()} v{version.questionnaire.version}"
            )
        if len(wordings) == 1:
            text = versions[-1].text
        else:
            text = " / ".join(f"“{wording}” ({', '.join(asked)})" for wording, asked in reversed(wordings.items()))
        low, high = (None, None) if first.type == ItemType.TEXT else versions[-1].value_range
        rows.append(
            {
                "item": name,
                "kind": kind,
                "domain": domain,
                "label": text,
                "scale_min": float(low) if low is not None else float("nan"),
                "scale_max": float(high) if high is not None else float("nan"),
                "retrospective_of": versions[-1].retrospective_of,
                "order": versions[-1].order,
                "versions": "; ".join(dict.fromkeys(asked for asked_list in wordings.values() for asked in asked_list)),
            }
        )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS), codes


def load_items(programme: Programme) -> "pd.DataFrame":
    """One row per item as the metrics see it (see load_item_codes)."""
    return load_item_codes(programme)[0]


def load_versions(programme: Programme, items: list[Item] | None = None) -> "pd.DataFrame":
    """The questionnaire versions with answers: survey, version, when it was made, responses
    (registrations), and how it differs from the version before (questions added, removed,
    reworded)."""
    import pandas as pd

    if items is None:
        items = _stored_items(programme)
    questionnaires: dict[int, Questionnaire] = {}
    wordings: dict[int, dict[str, str]] = {}
    for item in items:
        questionnaires[item.questionnaire_id] = item.questionnaire
        wordings.setdefault(item.questionnaire_id, {})[item.code] = item.text
    # By the questionnaires' ids: counted in the index on them, with no join (0.04 → 0.01 s for
    # 200,000 responses).
    answered = dict(
        Response.objects.filter(questionnaire_id__in=list(questionnaires))
        .values("questionnaire_id")
        .annotate(n=Count("*"))
        .values_list("questionnaire_id", "n")
        .order_by()
    )
    rows, previous = [], {}
    for questionnaire in sorted(questionnaires.values(), key=lambda q: (q.kind, q.version)):
        wording = wordings[questionnaire.pk]
        before = previous.get(questionnaire.kind)
        changes = []
        if before is not None:
            added = sorted(set(wording) - set(before))
            removed = sorted(set(before) - set(wording))
            reworded = sorted(code for code in set(wording) & set(before) if wording[code] != before[code])
            for what, codes in (("added", added), ("removed", removed), ("reworded", reworded)):
                if codes:
                    changes.append(f"{what}: {', '.join(codes)}")
        previous[questionnaire.kind] = wording
        if answered.get(questionnaire.pk):
            rows.append(
                {
                    "survey": questionnaire.get_kind_display(),
                    "version": questionnaire.version,
                    "created": questionnaire.created_at.date().isoformat(),
                    "responses": answered[questionnaire.pk],
                    "changes": "; ".join(changes) or ("first version" if before is None else "no change to questions"),
                }
            )
    return pd.DataFrame(rows, columns=["survey", "version", "created", "responses", "changes"])


def _answer_sql(programme: Programme) -> tuple[str, list]:
    answer, response, registration, session = (
        _table(Answer),
        _table(Response),
        _table(Registration),
        _table(Session),
    )
    phase = connection.ops.quote_name(Session._meta.get_field("phase").related_model._meta.db_table)
    sql = (
        f"SELECT r.{_column(Response, 'registration')}, r.{_column(Response, 'kind')}, "
        f"a.{_column(Answer, 'item')}, a.{_column(Answer, 'value')} "
        f"FROM {answer} a JOIN {response} r ON a.{_column(Answer, 'response')} = r.id "
        f"JOIN {registration} g ON r.{_column(Response, 'registration')} = g.id "
        f"JOIN {session} s ON g.{_column(Registration, 'session')} = s.id "
        f"JOIN {phase} p ON s.{_column(Session, 'phase')} = p.id "
        f"WHERE p.programme_id = %s AND a.{_column(Answer, 'value')} IS NOT NULL"
    )
    return sql, [programme.pk]


def read_answer_rows(programme: Programme) -> "pd.DataFrame":
    """The numeric answer rows as they are stored: registration, survey, item id, value. This is
    also the baseline the evaluation benchmark compares the full evaluation with."""
    import pandas as pd

    sql, params = _answer_sql(programme)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=["registration", "survey", "item_id", "value"])


def load_answers(
    programme: Programme,
    registrations: "pd.DataFrame",
    codes: dict[int, str] | None = None,
    raw: "pd.DataFrame | None" = None,
) -> "pd.DataFrame":
    """answers: registration, participant, survey, item (the metrics' item, see
    load_item_codes), value, text ("" — free text is kept apart in Frames.texts).

    The million-row columns are built from integer codes (numpy), never by looking up each
    row's value: item ids are factorised, and each answer finds its registration's participant
    by binary search in the registrations (sorted by id). `raw` is read_answer_rows', read
    when not given."""
    import numpy as np
    import pandas as pd

    if raw is None:
        raw = read_answer_rows(programme)
    if codes is None:
        codes = load_item_codes(programme)[1]
    item_positions, item_ids = pd.factorize(raw["item_id"])
    names = pd.Series([codes.get(int(pk)) for pk in item_ids], dtype=object)
    item_names, item_categories = pd.factorize(names, sort=True)  # (-1: an unknown item, left missing)
    item_codes = item_names[item_positions]
    answer_registrations = raw["registration"].to_numpy(dtype="int64")
    answers = pd.DataFrame(
        {
            "registration": answer_registrations,
            "participant": _per_registration(registrations, "participant", answer_registrations),
            # (as plain objects: twice as fast as through pandas' string array or astype("category"))
            "survey": _factorised(raw["survey"].to_numpy(dtype=object)),
            "item": pd.Categorical.from_codes(item_codes, categories=item_categories, validate=False),
            "value": raw["value"].to_numpy(dtype="float64"),
        }
    )
    # (one category: a byte per row rather than a reference to "" in each of a million rows)
    answers["text"] = pd.Categorical.from_codes(np.zeros(len(answers), dtype=np.int8), categories=[""])
    return answers


def _per_registration(registrations: "pd.DataFrame", column: str, wanted: "np.ndarray"):
    """registrations[column] of each registration id in `wanted` (missing where a registration
    is not among them); `registrations` is sorted by id. Each id finds its row in a table over
    the range of ids when they are dense, as a programme's are (a binary search per answer row
    took 4× as long)."""
    import numpy as np
    import pandas as pd

    values = registrations[column]
    known = registrations["registration"].to_numpy(dtype="int64")
    if not len(known):
        return pd.Series(np.full(len(wanted), None, dtype=object)).astype(values.dtype if len(values) else object)
    low, high = int(known[0]), int(known[-1])
    if high - low <= 8 * (len(known) + len(wanted)):
        row = np.full(high - low + 2, -1, dtype=np.int64)  # (the last: any id out of range)
        row[known - low] = np.arange(len(known))
        offsets = wanted - low
        offsets[(offsets < 0) | (offsets >= len(row))] = len(row) - 1
        positions = row[offsets]
        found = positions >= 0
    else:  # (ids spread far apart: a binary search each)
        positions = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
        found = known[positions] == wanted
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.where(found, values.cat.codes.to_numpy()[positions], -1)
        return pd.Categorical.from_codes(codes, dtype=values.dtype, validate=False)
    return pd.Series(values.to_numpy(dtype=object)[positions]).where(found)


def load_texts(programme: Programme, items: list[Item] | None = None) -> "pd.DataFrame":
    """The free-text answers, found through the programme's free-text questions (an index
    lookup, not a scan of every answer)."""
    import pandas as pd

    if items is None:
        items = _stored_items(programme)
    codes = load_item_codes(programme, items)[1]
    text_items = [item.pk for item in items if item.type == ItemType.TEXT]
    rows = (
        Answer.objects.filter(item_id__in=text_items, value__isnull=True)
        .exclude(text="")
        .values_list("response__registration_id", "response__kind", "item_id", "text")
    )
    return pd.DataFrame(
        [(registration, survey, codes[item], text) for registration, survey, item, text in rows],
        columns=["registration", "survey", "item", "text"],
    )


def _in_sessions_of(queryset, programme: Programme):
    """The rows of `queryset` (registrations or invitations) in the programme's sessions, found
    by reading the table in id order and keeping those whose session is one of the programme's
    (a short list), not through the session index: that visits the rows session by session, in
    no order on disk, and joins each to its person the same way (0.50 → 0.11 s for 100,000
    registrations on SQLite, which otherwise always takes the index). `session_id + 0` is the
    same number, but no index is on it."""
    sessions = Session.objects.filter(phase__programme=programme).values("pk")
    return queryset.alias(in_session=F("session_id") + 0).filter(in_session__in=sessions)


REGISTRATION_COLUMNS = (
    "registration",
    "participant",
    "session",
    "phase",
    "theme",
    "region",
    "status",
    "invited",
    "pre_sent",
    "post_sent",
    "follow_up_sent",
)


def _categories(values, positions: "np.ndarray") -> "pd.Categorical":
    """values[positions] as a categorical with sorted categories (only those present), without
    looking up each row: `values` are few (one per session), `positions` many."""
    import numpy as np
    import pandas as pd

    codes, categories = pd.factorize(pd.Series(list(values), dtype=object), sort=True)
    taken = pd.Categorical.from_codes(np.asarray(codes)[positions], categories=categories)
    return taken.remove_unused_categories()


def load_registrations(
    programme: Programme, sessions: "pd.DataFrame | None" = None, regions: dict[int, str] | None = None
) -> "pd.DataFrame":
    """The programme's active registrations; `participant` is still the person's id here
    (load_frames keys every frame's people at once). `sessions` is _load_sessions' frame with
    each session's database id (`pk`): the session's code, phase, theme and region come from it
    rather than from a join per registration, as the person's region comes from `regions`
    (_organisation_regions(), read when not given)."""
    import numpy as np
    import pandas as pd

    if sessions is None or "pk" not in sessions:
        sessions = _load_sessions(programme)[0]
    rows = _rows(
        _in_sessions_of(Registration.objects.filter(status__in=(*ACTIVE,)), programme)
        .values_list("pk", "person_id", "session_id", "person__organisation_id", "status", "invitation_id")
        .order_by()  # (put in id order below: PostgreSQL sorted the rows after its join, on disk)
    )
    sent = _emailed_links()
    if not rows:  # (the query count stays the same; the columns untyped, as they always were)
        return pd.DataFrame(columns=[*REGISTRATION_COLUMNS])
    pks, people, session_ids, organisations, statuses, invitations = _columns(rows, 6)
    at = pd.Index(sessions["pk"]).get_indexer(np.fromiter(session_ids, dtype=np.int64, count=len(rows)))
    region = _region_of(organisations, sessions, at, _organisation_regions() if regions is None else regions)
    registration = np.fromiter(pks, dtype=np.int64, count=len(rows))
    frame = pd.DataFrame(
        {
            "registration": registration,
            "participant": np.fromiter(people, dtype=np.int64, count=len(rows)),
            # Few distinct values in many rows: categories make every filter and comparison cheap.
            "session": _categories(sessions["session"], at),
            "phase": _categories(sessions["phase"], at),
            "theme": _categories(sessions["theme"], at),
            "region": _factorised(region),
            "status": _factorised(np.array(statuses, dtype=object)),
            "invited": np.not_equal(np.array(invitations, dtype=object), None),
        },
    )
    for kind, emailed in sent.items():  # (pre, post, follow-up: REGISTRATION_COLUMNS' order)
        frame[f"{kind}_sent"] = np.isin(registration, emailed)
    if len(frame) > 1 and not (registration[1:] > registration[:-1]).all():
        frame = frame.take(np.argsort(registration, kind="stable")).reset_index(drop=True)
    return frame


def _emailed_links() -> dict[str, "np.ndarray"]:
    """The registrations each survey's link was emailed to (feedback.queries.emailed: a link the
    mail server refused for good never reached its person), by survey, for every programme: the
    caller keeps its own registrations. Two plain reads, fast on 200,000 links (1.1 s → 0.15 s
    on SQLite): every link sent, in the table's order (picking out one programme's through the
    indexes visits them in no order on disk, and a join per link to its session costs more than
    reading the others), each row two integers (a Python string per row for its survey cost
    more than the database's reading it); and the few refused ones, taken out here (NOT IN in
    the query probed the refused list once per link, 0.07 s)."""
    import numpy as np

    surveys = list(SurveyKind.values)
    survey = Case(
        *(When(kind=kind, then=Value(position)) for position, kind in enumerate(surveys)),
        output_field=IntegerField(),
    )

    def read(links) -> "np.ndarray":  # (one code per link: its registration and its survey)
        rows = _rows(links.annotate(survey=survey).values_list("registration_id", "survey").order_by())
        registrations, positions = (
            np.fromiter(column, dtype=np.int64, count=len(rows)) for column in _columns(rows, 2)
        )
        return registrations * len(surveys) + positions

    sent = read(SurveyLink.objects.filter(sent_at__isnull=False))
    sent = sent[~np.isin(sent, read(SurveyLink.objects.filter(pk__in=refused_links().values("about_id"))))]
    registrations, positions = np.divmod(sent, len(surveys))
    return {kind: registrations[positions == position] for position, kind in enumerate(surveys)}


def _load_sessions(programme: Programme) -> tuple["pd.DataFrame", float]:
    """The sessions, with each one's database id in a column `pk`; their places are counted
    from the registrations frame afterwards (_count_places), not by a join here."""
    import pandas as pd

    now = timezone.now()
    sessions = (
        Session.objects.filter(phase__programme=programme)
        .select_related("phase")
        .prefetch_related("focus_areas")
        .order_by("starts_at", "code")
    )
    costs = dict(
        CostLine.objects.filter(session__phase__programme=programme)
        .values("session_id")
        .annotate(total=Sum("amount"))
        .values_list("session_id", "total")
    )
    rows = [
        {
            "pk": s.pk,
            "session": s.code,
            "title": s.title,
            "starts_at": s.starts_at,
            "phase": s.phase.kind,
            "theme": s.theme,
            "region": s.region or "",
            "focus_areas": [f"focus_{area.number}" for area in s.focus_areas.all()],
            "capacity": s.capacity,
            "cost": float(costs.get(s.pk) or 0),
            "status": s.status,
            # Already held: over, and not cancelled (attendance and costs are real).
            "held": s.status != SessionStatus.CANCELLED and s.ends_at <= now,
        }
        for s in sessions
    ]
    columns = ["pk", "session", "title", "starts_at", "phase", "theme", "region", "focus_areas", "capacity"]
    columns += ["cost", "status", "held"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame, float(sum(costs.values(), 0))


# The sessions frame's counts of places: the registration statuses each one counts.
PLACE_COUNTS = {
    "confirmed_at_start": HOLDS_A_PLACE,
    "attended": (RegistrationStatus.ATTENDED,),
    "no_shows": (RegistrationStatus.NO_SHOW,),
    "waitlisted": (RegistrationStatus.WAITLISTED,),
}


def _count_places(sessions: "pd.DataFrame", registrations: "pd.DataFrame") -> None:
    """Adds each session's counts of places (PLACE_COUNTS) from the programme's active
    registrations, placed after `capacity`: one count per session and status, from the
    categorical columns' integer codes (pd.crosstab took 10× as long)."""
    import numpy as np
    import pandas as pd

    at = sessions.columns.get_loc("capacity") + 1
    per_status = np.zeros((len(sessions), 0), dtype=np.int64)
    statuses = pd.Index([], dtype=object)
    if len(registrations):
        session, status = registrations["session"].cat, registrations["status"].cat
        statuses = status.categories
        per_status = np.bincount(
            session.codes.to_numpy(np.int64) * len(statuses) + status.codes.to_numpy(np.int64),
            minlength=len(session.categories) * len(statuses),
        ).reshape(len(session.categories), len(statuses))
        # (a session nobody registered for has no row: the extra last row of zeros)
        per_status = np.vstack([per_status, np.zeros((1, len(statuses)), dtype=np.int64)])
        per_status = per_status[pd.Index(session.categories).get_indexer(sessions["session"])]
    for offset, (column, counted) in enumerate(PLACE_COUNTS.items()):
        columns = [statuses.get_loc(str(status)) for status in counted if str(status) in statuses]
        sessions.insert(at + offset, column, per_status[:, columns].sum(axis=1, dtype=np.int64))


def _factorised(values: "np.ndarray") -> "pd.Categorical":
    """A categorical of these values (categories sorted), factorised as plain objects."""
    import pandas as pd

    codes, categories = pd.factorize(values, sort=True)
    return pd.Categorical.from_codes(codes, categories=categories, validate=False)


def _looked_up(names: dict[int, str], ids) -> "np.ndarray":
    """names[id] for each of many ids (an object array; "" for None or an id not in `names`),
    found by one index lookup rather than one per row."""
    import numpy as np
    import pandas as pd

    wanted = np.asarray(ids)
    if wanted.dtype == object:  # (a list with None in it)
        wanted = np.where(np.equal(wanted, None), -1, wanted)
    wanted = wanted.astype(np.int64)  # (C loops, not a Python expression per row)
    positions = pd.Index(list(names), dtype=np.int64).get_indexer(wanted)
    return np.append(np.array(list(names.values()), dtype=object), "")[positions]


def _organisation_regions() -> dict[int, str]:
    """Each organisation's region (those with one), read once rather than joined per row."""
    return dict(Organisation.objects.exclude(region="").values_list("pk", "region"))


def _region_of(organisations, sessions: "pd.DataFrame", at: "np.ndarray", regions: dict[int, str]) -> "np.ndarray":
    """A registrant's or invitee's region: their organisation's (by organisation id, None for
    none; `regions` is _organisation_regions()), else the session's (at row `at` of
    `sessions`), else "" (an empty region counts as missing)."""
    region = _looked_up(regions, organisations)
    missing = ~region.astype(bool)
    region[missing] = sessions["region"].to_numpy(dtype=object)[at[missing]]
    region[~region.astype(bool)] = ""
    return region


def _key_people(frames: tuple["pd.DataFrame", ...]) -> None:
    """Replaces each frame's `participant` (a person's id) with their pseudonymous key, computed
    once per person. The keys are a categorical column shared by every frame (its categories
    sorted, as the keys would sort), so matching people across frames compares integer codes."""
    import numpy as np
    import pandas as pd

    named = [frame for frame in frames if len(frame)]  # (empty, the columns stay untyped, as they always were)
    if not named:
        return
    ids = np.sort(pd.unique(np.concatenate([frame["participant"].to_numpy(dtype=np.int64) for frame in named])))
    # Big-endian digests sort as their hex keys do: the order comes from integers, not text.
    digests = np.frombuffer(participant_digests(ids.tolist()), dtype=f">u{DIGEST_BYTES}")
    order = np.argsort(digests, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    dtype = pd.CategoricalDtype(pd.Index(keys_of(digests[order].tobytes()), dtype=object))
    for frame in named:
        positions = np.searchsorted(ids, frame["participant"].to_numpy(dtype=np.int64))
        frame["participant"] = pd.Categorical.from_codes(rank[positions], dtype=dtype, validate=False)


def _load_memberships(registrations: "pd.DataFrame", invited_rows: list[tuple]) -> "pd.DataFrame":
    """participant (still the person's id) and group name of each leadership group membership
    of the programme's people: those registered or invited (`invited_rows` start with the
    person's id). Every membership row is read and those of other people dropped here, by ids:
    the database would visit every membership row anyway to test it against the programme's
    people (EXISTS or IN per row), and naming the group by a join per row costs more than the
    read (groups are few)."""
    import numpy as np
    import pandas as pd

    rows = _rows(Person.groups.through.objects.values_list("person_id", "leadershipgroup_id"))
    names = dict(LeadershipGroup.objects.values_list("pk", "name"))
    if not rows:
        return pd.DataFrame(columns=["participant", "group"])
    members, group_ids = (np.fromiter(column, dtype=np.int64, count=len(rows)) for column in _columns(rows, 2))
    people = registrations["participant"].to_numpy(dtype=np.int64) if len(registrations) else np.empty(0, np.int64)
    invited = np.fromiter((row[0] for row in invited_rows), dtype=np.int64, count=len(invited_rows))
    kept = np.isin(members, np.concatenate([people, invited]))
    # A categorical: every count by group groups by its integer codes, not by the names' text.
    return pd.DataFrame({"participant": members[kept], "group": _factorised(_looked_up(names, group_ids[kept]))})


def load_frames(programme: Programme) -> Frames:
    """Everything the evaluation of one programme needs, pseudonymised."""
    import numpy as np
    import pandas as pd

    # The answer rows first: a million rows are read fastest into a heap not yet holding the
    # other frames (read last, the same read took 0.5 s longer on the 100k benchmark).
    raw_answers = read_answer_rows(programme)
    sessions, total_cost = _load_sessions(programme)
    regions = _organisation_regions()
    registrations = load_registrations(programme, sessions, regions)
    _count_places(sessions, registrations)
    invited_rows = _rows(
        _in_sessions_of(Invitation.objects.all(), programme).values_list(
            "person_id", "session_id", "status", "person__organisation_id"
        )
    )
    memberships = _load_memberships(registrations, invited_rows)
    if invited_rows:
        people, session_ids, statuses, organisations = _columns(invited_rows, 4)
        at = pd.Index(sessions["pk"]).get_indexer(np.fromiter(session_ids, dtype=np.int64, count=len(invited_rows)))
        invitations = pd.DataFrame(
            {
                "participant": np.fromiter(people, dtype=np.int64, count=len(invited_rows)),
                "session": sessions["session"].to_numpy(dtype=object)[at],
                "status": np.array(statuses, dtype=object),
                # The invitee's region as on registrations: their organisation's, else the session's.
                "region": _region_of(organisations, sessions, at, regions),
            }
        )
    else:
        invitations = pd.DataFrame(columns=["participant", "session", "status", "region"])
    _key_people((registrations, memberships, invitations))
    targets = pd.DataFrame(
        list(
            GroupTarget.objects.filter(phase__programme=programme).values_list("group__name", "phase__kind", "target")
        ),
        columns=["group", "phase", "target"],
    )
    sessions = sessions.drop(columns="pk")
    stored_items = _stored_items(programme)
    items, codes = load_item_codes(programme, stored_items)
    return Frames(
        answers=load_answers(programme, registrations, codes, raw_answers),
        items=items,
        registrations=registrations,
        memberships=memberships,
        sessions=sessions,
        invitations=invitations,
        targets=targets,
        texts=load_texts(programme, stored_items),
        total_cost=total_cost,
        versions=load_versions(programme, stored_items),
    )


def focus_area_choices() -> list[tuple[str, str]]:
    """(filter value, label) of each focus area, as the frames name them ("focus_<number>")."""
    return [
        (f"focus_{number}", f"{number}. {name}")
        for number, name in FocusArea.objects.order_by("number").values_list("number", "short_name")
    ]


def group_names() -> list[str]:
    return list(LeadershipGroup.objects.order_by("name").values_list("name", flat=True))


def has_questionnaires(programme: Programme) -> bool:
    return Questionnaire.objects.filter(programme=programme).exists()
