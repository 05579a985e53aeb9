"""Importing people from CSV and XLSX: reading the file, every kind of bad row, all-or-nothing
writes, re-imports, updates, and the number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from attendees import imports
from attendees.enums import OrganisationType
from attendees.imports import FieldChange, ImportFileError, ImportRejected, RowError
from attendees.models import LeadershipGroup, Organisation, Person
from summits.enums import Region
from summits.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = list(imports.COLUMNS.all)
XLSX_UNREADABLE = (
    "The file could not be read as an Excel workbook (.xlsx): it may be damaged or password-protected. "
    "Open it in Excel and save it again, or save it as “CSV UTF-8 (Comma delimited)”"
)
GOOD_ROWS = [
    [
        "Asha.Patel@Leeds.nhs.uk",
        "Asha",
        "Patel",
        "Chief executive",
        "Leeds Teaching Hospitals NHS Trust",
        "Acute trust",
        "North East and Yorkshire",
        "Acute trust boards",
    ],
    [
        "tom.baker@example.nhs.uk",
        "Tom",
        "Baker",
        "CCIO",
        "Leeds Teaching Hospitals NHS Trust",
        "acute_trust",
        "north_east_and_yorkshire",
        "Acute trust boards; CIO/CCIO network",
    ],
    ["sam.jones@example.gov.uk", "Sam", "Jones", "", "", "", "", ""],
]


@pytest.fixture
def groups(db):
    return {
        name: factories.leadership_group(name=name)
        for name in ("Acute trust boards", "CIO/CCIO network", "Chief nurses and clinical leaders")
    }


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(**values) -> list[str]:
    """One good row (a new person in a new organisation), with some values replaced."""
    base = {
        "email": "jo.bloggs@example.nhs.uk",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "job_title": "Chair",
        "organisation": "Bristol City Council",
        "organisation_type": "Local authority",
        "region": "South West",
        "leadership_groups": "Chief nurses and clinical leaders",
    }
    base.update(values)
    return [base[column] for column in HEADER]


def plan_for(rows, header=HEADER) -> imports.ImportPlan:
    return imports.check(imports.read_file(csv_bytes(rows, header), "people.csv"))


def errors_for(rows) -> list[str]:
    return [str(error) for error in plan_for(rows).errors]


def import_rows(rows, actor=None) -> imports.ImportPlan:
    return imports.apply(plan=plan_for(rows), actor=actor, source="people.csv")


def person_summary(email: str) -> tuple:
    person = Person.objects.select_related("organisation").get(email=email)
    organisation = person.organisation
    return (
        person.first_name,
        person.last_name,
        person.job_title,
        (organisation.name, organisation.type, organisation.region) if organisation else None,
        sorted(person.groups.values_list("name", flat=True)),
    )


# Reading the file --------------------------------------------------------------------------


def test_read_file_numbers_rows_as_a_spreadsheet_does():
    rows = imports.read_file(csv_bytes([row(email="a@example.nhs.uk"), row(email="b@example.nhs.uk")]), "x.csv")

    assert [(r.number, r.values["email"]) for r in rows] == [(2, "a@example.nhs.uk"), (3, "b@example.nhs.uk")]


def test_read_file_skips_blank_rows_but_keeps_their_numbers():
    content = csv_bytes([row(email="a@example.nhs.uk"), [""] * 8, [], row(email="b@example.nhs.uk")]) + b",,,\r\n"

    rows = imports.read_file(content, "x.csv")

    assert [(r.number, r.values["email"]) for r in rows] == [(2, "a@example.nhs.uk"), (5, "b@example.nhs.uk")]


def test_read_file_counts_a_line_break_inside_a_cell_as_one_row():
    content = csv_bytes([row(job_title="Chair,\nboard"), row(email="b@example.nhs.uk")])

    rows = imports.read_file(content, "x.csv")

    assert [(r.number, r.values["job_title"]) for r in rows] == [(2, "Chair,\nboard"), (3, "Chair")]


def test_read_file_accepts_a_byte_order_mark_any_header_case_and_extra_columns():
    header = ["Email", "First Name", "LAST_NAME", "Job title", "Organisation", "Organisation type", "Region"]
    header += ["Leadership groups", "Phone"]
    content = b"\xef\xbb\xbf" + csv_bytes([[*row(), "0113 000 0000"]], header=header)

    rows = imports.read_file(content, "x.csv")

    assert rows == [imports.SourceRow(number=2, values=dict(zip(HEADER, row(), strict=True)))]


def test_read_file_reads_an_excel_workbook_with_numbers_and_blank_cells():
    workbook_rows = [row(email="a@example.nhs.uk", job_title=None), [None] * 8, row(email="b@example.nhs.uk")]
    workbook_rows[2][3] = 42  # a number in the job title column

    rows = imports.read_file(xlsx_bytes(workbook_rows), "people.xlsx")

    assert [(r.number, r.values["email"], r.values["job_title"]) for r in rows] == [
        (2, "a@example.nhs.uk", ""),
        (4, "b@example.nhs.uk", "42"),
    ]


def test_read_file_missing_columns_is_one_file_error():
    with pytest.raises(ImportFileError) as error:
        imports.read_file(
            csv_bytes([["a@example.nhs.uk", "Jo", "Bloggs"]], header=["email", "first_name", "surname"]), "x.csv"
        )

    assert str(error.value) == (
        "The file is missing these columns: last_name. The first row must name the columns email, first_name, "
        "last_name, and may name job_title, organisation, organisation_type, region, leadership_groups"
    )


def test_read_file_refuses_a_column_named_twice():
    with pytest.raises(ImportFileError) as error:
        imports.read_file(csv_bytes([[*row(), "x"]], header=[*HEADER, "Email"]), "x.csv")

    assert str(error.value) == "The first row names these columns more than once: email"


def test_read_file_refuses_text_that_is_not_utf8():
    with pytest.raises(ImportFileError) as error:
        imports.read_file(csv_bytes([row(first_name="Zoë")], encoding="latin-1"), "x.csv")

    assert str(error.value) == (
        "The file is not saved as UTF-8 text: it may have been saved as “CSV (Comma delimited)”, which garbles "
        "letters such as é and £. Save it as “CSV UTF-8 (Comma delimited)”, or upload the workbook (.xlsx)"
    )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "x.csv", "The file is empty"),
        (",".join(HEADER).encode() + b"\r\n\r\n", "x.csv", "The file has a header row but no people"),
        (b"PK\x03\x04 not really a workbook", "x.xlsx", XLSX_UNREADABLE),
        (b"email,first_name", "x.xlsx", XLSX_UNREADABLE),
        (b"\xd0\xcf\x11\xe0", "x.xls", "Excel 97–2003 files (.xls) cannot be read. Save the file as .xlsx or CSV"),
    ],
)
def test_read_file_refuses_files_it_cannot_use(content, filename, message):
    with pytest.raises(ImportFileError) as error:
        imports.read_file(content, filename)

    assert str(error.value) == message


# Every kind of bad row ---------------------------------------------------------------------


def test_bad_email_is_reported_with_its_row(groups):
    assert errors_for([row(email="a@example.nhs.uk"), row(email="not an email")]) == [
        "Row 3: email address 'not an email' is not valid"
    ]


def test_missing_email_is_reported(groups):
    assert errors_for([row(email="")]) == ["Row 2: missing email address"]


def test_missing_first_name_is_reported(groups):
    assert errors_for([row(first_name=" ")]) == ["Row 2: missing first name"]


def test_missing_last_name_is_reported(groups):
    assert errors_for([row(last_name="")]) == ["Row 2: missing last name"]


def test_unknown_leadership_group_is_reported(groups):
    rows = [row(email=f"p{n}@example.nhs.uk") for n in range(5)]
    rows.append(row(leadership_groups="Acute trust boards; Trust boardz"))

    assert errors_for(rows) == ["Row 7: unknown leadership group 'Trust boardz'"]


def test_unknown_region_is_reported(groups):
    assert errors_for([row(region="Londn")]) == ["Row 2: unknown region 'Londn'"]


def test_unknown_organisation_type_is_reported(groups):
    assert errors_for([row(organisation_type="Hospital")]) == ["Row 2: unknown organisation type 'Hospital'"]


def test_duplicate_email_in_the_file_reports_the_later_row_naming_the_earlier(groups):
    rows = [row(email="jo@example.nhs.uk"), row(email="sam@example.nhs.uk"), row(email=" JO@example.NHS.uk")]

    assert errors_for(rows) == ["Row 4: duplicate email 'jo@example.nhs.uk': also on row 2"]


def test_organisation_without_region_or_type_is_reported(groups):
    assert errors_for([row(region="", organisation_type="")]) == [
        "Row 2: missing region for organisation 'Bristol City Council'",
        "Row 2: missing organisation type for organisation 'Bristol City Council'",
    ]


def test_region_without_an_organisation_is_reported(groups):
    assert errors_for([row(organisation="")]) == [
        "Row 2: missing organisation (the row gives a region or organisation type)"
    ]


def test_value_longer_than_its_field_is_reported(groups):
    assert errors_for([row(job_title="x" * 201)]) == ["Row 2: job title is longer than 200 characters"]


def test_every_bad_row_and_every_problem_is_reported_in_row_order(groups):
    rows = [
        row(email="ok@example.nhs.uk"),
        row(email="bad", first_name="", leadership_groups="Nobody"),
        row(email="two@example.nhs.uk", region="Mars"),
    ]

    plan = plan_for(rows)

    assert plan.errors == [
        RowError(3, "email address 'bad' is not valid"),
        RowError(3, "missing first name"),
        RowError(3, "unknown leadership group 'Nobody'"),
        RowError(4, "unknown region 'Mars'"),
    ]
    assert (plan.bad_row_count, [r.email for r in plan.to_create]) == (2, ["ok@example.nhs.uk"])


# Accepted spellings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("London", Region.LONDON),
        ("north_west", Region.NORTH_WEST),
        ("North East and Yorkshire", Region.NORTH_EAST_AND_YORKSHIRE),
        ("  SOUTH   east ", Region.SOUTH_EAST),
        ("east-of-england", Region.EAST_OF_ENGLAND),
    ],
)
def test_region_is_matched_by_value_or_label_in_any_case(groups, text, region):
    plan = plan_for([row(region=text)])

    assert (plan.errors, plan.new_organisations[0].region) == ([], region)


@pytest.mark.parametrize(
    ("text", "organisation_type"),
    [
        ("CCG / ICB", OrganisationType.ICB),
        ("icb", OrganisationType.ICB),
        ("mental_health_trust", OrganisationType.MENTAL_HEALTH_TRUST),
        ("Charity or voluntary organisation", OrganisationType.CHARITY),
    ],
)
def test_organisation_type_is_matched_by_value_or_label_in_any_case(groups, text, organisation_type):
    plan = plan_for([row(organisation_type=text)])

    assert (plan.errors, plan.new_organisations[0].type) == ([], organisation_type)


def test_group_names_match_in_any_case_and_blank_parts_are_ignored(groups):
    plan = plan_for([row(leadership_groups=" cio/ccio NETWORK ;; acute trust boards;")])

    assert (plan.errors, plan.to_create[0].group_names) == ([], "Acute trust boards; CIO/CCIO network")


# Importing good files -----------------------------------------------------------------------


def test_import_of_a_csv_file_creates_people_organisations_and_memberships(groups, organiser):
    plan = imports.apply(plan=imports.check(imports.read_file(csv_bytes(GOOD_ROWS), "people.csv")), actor=organiser)

    assert (len(plan.to_create), len(plan.to_update), len(plan.unchanged)) == (3, 0, 0)
    assert sorted(Person.objects.values_list("email", flat=True)) == [
        "asha.patel@leeds.nhs.uk",
        "sam.jones@example.gov.uk",
        "tom.baker@example.nhs.uk",
    ]
    leeds = ("Leeds Teaching Hospitals NHS Trust", OrganisationType.ACUTE_TRUST, Region.NORTH_EAST_AND_YORKSHIRE)
    assert person_summary("asha.patel@leeds.nhs.uk") == (
        "Asha",
        "Patel",
        "Chief executive",
        leeds,
        ["Acute trust boards"],
    )
    assert person_summary("tom.baker@example.nhs.uk") == (
        "Tom",
        "Baker",
        "CCIO",
        leeds,
        ["Acute trust boards", "CIO/CCIO network"],
    )
    assert person_summary("sam.jones@example.gov.uk") == ("Sam", "Jones", "", None, [])
    assert Organisation.objects.count() == 1


def test_import_of_an_excel_workbook_creates_the_same_people(groups):
    plan = imports.apply(plan=imports.check(imports.read_file(xlsx_bytes(GOOD_ROWS), "people.xlsx")), actor=None)

    assert len(plan.to_create) == 3
    assert person_summary("tom.baker@example.nhs.uk") == (
        "Tom",
        "Baker",
        "CCIO",
        ("Leeds Teaching Hospitals NHS Trust", OrganisationType.ACUTE_TRUST, Region.NORTH_EAST_AND_YORKSHIRE),
        ["Acute trust boards", "CIO/CCIO network"],
    )


def test_import_gives_each_new_person_their_own_calendar_secret(groups):
    import_rows(GOOD_ROWS)

    tokens = list(Person.objects.values_list("calendar_token", flat=True))
    assert (len(tokens), len(set(tokens)), min(len(t) for t in tokens)) == (3, 3, 32)


def test_import_records_one_audit_entry_with_the_counts(groups, organiser):
    imports.apply(plan=plan_for(GOOD_ROWS), actor=organiser, source="people.csv")

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_repr) == (
        organiser,
        "person.import",
        "person",
        "Import of people from people.csv",
    )
    assert entry.after == {
        "file": "people.csv",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "organisations_created": 1,
    }


def test_import_writes_nothing_when_any_row_is_bad(groups, organiser):
    rows = [*GOOD_ROWS, row(email="x@example.nhs.uk", region="Narnia")]

    with pytest.raises(ImportRejected) as rejected:
        imports.apply(plan=plan_for(rows), actor=organiser)

    assert [str(error) for error in rejected.value.plan.errors] == ["Row 5: unknown region 'Narnia'"]
    assert (Person.objects.count(), Organisation.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)
    assert Person.groups.through.objects.count() == 0


def test_reimporting_the_same_file_changes_nothing(groups):
    import_rows(GOOD_ROWS)
    before = list(Person.objects.order_by("pk").values_list("pk", "updated_at"))

    plan = import_rows(GOOD_ROWS)

    assert (len(plan.to_create), len(plan.to_update), len(plan.unchanged)) == (0, 0, 3)
    assert list(Person.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert Organisation.objects.count() == 1


def test_changed_row_updates_the_person_and_sets_exactly_the_files_groups(groups):
    import_rows(GOOD_ROWS)
    changed = [
        GOOD_ROWS[0],
        [
            "Tom.Baker@example.nhs.uk",
            "Thomas",
            "Baker",
            "Chief clinical information officer",
            "Bradford District Care NHS Foundation Trust",
            "Mental health trust",
            "North East and Yorkshire",
            "Chief nurses and clinical leaders; CIO/CCIO network",
        ],
        GOOD_ROWS[2],
    ]

    plan = import_rows(changed)

    assert (len(plan.to_create), len(plan.unchanged)) == (0, 2)
    assert [(update.row.row, update.changes) for update in plan.to_update] == [
        (
            3,
            [
                FieldChange("First name", "Tom", "Thomas"),
                FieldChange("Job title", "CCIO", "Chief clinical information officer"),
                FieldChange(
                    "Organisation",
                    "Leeds Teaching Hospitals NHS Trust (North East and Yorkshire)",
                    "Bradford District Care NHS Foundation Trust (North East and Yorkshire)",
                ),
                FieldChange(
                    "Leadership groups",
                    "Acute trust boards; CIO/CCIO network",
                    "CIO/CCIO network; Chief nurses and clinical leaders",
                ),
            ],
        )
    ]
    assert person_summary("tom.baker@example.nhs.uk") == (
        "Thomas",
        "Baker",
        "Chief clinical information officer",
        (
            "Bradford District Care NHS Foundation Trust",
            OrganisationType.MENTAL_HEALTH_TRUST,
            Region.NORTH_EAST_AND_YORKSHIRE,
        ),
        ["CIO/CCIO network", "Chief nurses and clinical leaders"],
    )
    assert person_summary("asha.patel@leeds.nhs.uk")[4] == ["Acute trust boards"]


def test_blank_groups_and_organisation_in_the_file_clear_them(groups):
    import_rows(GOOD_ROWS)

    plan = import_rows(
        [
            row(
                email="asha.patel@leeds.nhs.uk",
                first_name="Asha",
                last_name="Patel",
                job_title="Chief executive",
                organisation="",
                organisation_type="",
                region="",
                leadership_groups="",
            )
        ]
    )

    assert [update.changes for update in plan.to_update] == [
        [
            FieldChange("Organisation", "Leeds Teaching Hospitals NHS Trust (North East and Yorkshire)", ""),
            FieldChange("Leadership groups", "Acute trust boards", ""),
        ]
    ]
    assert person_summary("asha.patel@leeds.nhs.uk") == ("Asha", "Patel", "Chief executive", None, [])


def test_people_not_in_the_file_are_left_alone(groups):
    someone = factories.person(email="someone@example.nhs.uk", groups=[groups["CIO/CCIO network"]])

    import_rows(GOOD_ROWS)

    assert person_summary("someone@example.nhs.uk") == (
        someone.first_name,
        someone.last_name,
        "Chief executive",
        (someone.organisation.name, OrganisationType.ACUTE_TRUST, Region.LONDON),
        ["CIO/CCIO network"],
    )


def test_existing_organisation_is_matched_by_name_in_any_case_within_its_region(groups):
    council = factories.organisation(
        name="Bristol City Council", type=OrganisationType.LOCAL_AUTHORITY, region=Region.SOUTH_WEST
    )

    import_rows([row(organisation="BRISTOL CITY COUNCIL", organisation_type="Charity")])

    assert Person.objects.get().organisation == council
    assert Organisation.objects.count() == 1


def test_organisation_of_the_same_name_in_another_region_is_another_organisation(groups):
    factories.organisation(name="Bristol City Council", type=OrganisationType.LOCAL_AUTHORITY, region=Region.LONDON)

    plan = import_rows([row()])

    assert [str(key) for key in plan.new_organisations] == ["Bristol City Council (South West)"]
    assert Person.objects.get().organisation.region == Region.SOUTH_WEST
    assert Organisation.objects.count() == 2


def test_apply_checks_again_and_updates_someone_added_since_the_preview(groups):
    plan = plan_for([row()])
    factories.person(email="jo.bloggs@example.nhs.uk", first_name="Joanne")

    applied = imports.apply(plan=plan, actor=None)

    assert (len(applied.to_create), len(applied.to_update)) == (0, 1)
    assert Person.objects.get().first_name == "Jo"


def test_apply_refuses_a_file_whose_group_was_removed_since_the_preview(groups):
    plan = plan_for([row()])
    LeadershipGroup.objects.filter(name="Chief nurses and clinical leaders").delete()

    with pytest.raises(ImportRejected) as rejected:
        imports.apply(plan=plan, actor=None)

    assert rejected.value.plan.errors == [RowError(2, "unknown leadership group 'Chief nurses and clinical leaders'")]
    assert Person.objects.count() == 0


def test_report_gives_the_counts_then_every_bad_row(groups):
    import_rows([GOOD_ROWS[0]])

    plan = plan_for([GOOD_ROWS[0], GOOD_ROWS[1], row(leadership_groups="Trust boardz")])

    assert plan.report() == [
        "Rows read: 3",
        "To create: 1",
        "To update: 0",
        "Unchanged: 1",
        "New organisations: 0",
        "Bad rows: 1",
        "Row 4: unknown leadership group 'Trust boardz'",
    ]


# Queries ------------------------------------------------------------------------------------


def many_rows(count: int, start: int, groups: dict) -> list[list[str]]:
    names = list(groups)
    regions = list(Region)
    return [
        row(
            email=f"leader{start + n}@example.nhs.uk",
            last_name=f"Leader {start + n}",
            organisation=f"Trust {(start + n) % 9}",
            organisation_type="Acute trust",
            region=regions[n % len(regions)].label,
            leadership_groups=f"{names[n % 3]}; {names[(n + 1) % 3]}",
        )
        for n in range(count)
    ]


def queries_to_import(rows) -> int:
    with CaptureQueriesContext(connection) as captured:
        import_rows(rows)
    return len(captured)


def test_import_query_count_does_not_grow_with_rows(groups):
    ten = queries_to_import(many_rows(10, 0, groups))
    hundred = queries_to_import(many_rows(100, 1000, groups))

    assert (Person.objects.count(), hundred) == (110, ten)


def test_reimport_with_changes_query_count_does_not_grow_with_rows(groups):
    small, large = many_rows(10, 0, groups), many_rows(100, 1000, groups)
    import_rows(small)
    import_rows(large)
    for rows in (small, large):
        for values in rows:
            values[HEADER.index("job_title")] = "Non-executive director"
            values[HEADER.index("leadership_groups")] = "Acute trust boards"

    ten = queries_to_import(small)
    hundred = queries_to_import(large)

    assert hundred == ten
    assert set(Person.objects.values_list("job_title", flat=True)) == {"Non-executive director"}


# Optional columns -------------------------------------------------------------------------------


def test_only_email_and_names_are_required_and_new_people_get_blanks(groups):
    plan = plan_for([["new@example.nhs.uk", "Nia", "Evans"]], header=["email", "first_name", "last_name"])

    applied = imports.apply(plan=plan, actor=None)

    assert [(r.email, r.job_title, r.organisation, r.groups) for r in applied.to_create] == [
        ("new@example.nhs.uk", "", None, [])
    ]
    person = Person.objects.get()
    assert (person.job_title, person.organisation, list(person.groups.all())) == ("", None, [])


def test_a_left_out_optional_column_keeps_what_existing_people_have(groups):
    imports.apply(plan=plan_for(GOOD_ROWS), actor=None)
    asha = Person.objects.get(email="asha.patel@leeds.nhs.uk")
    before = (asha.job_title, asha.organisation_id, sorted(asha.groups.values_list("name", flat=True)))

    plan = plan_for([["asha.patel@leeds.nhs.uk", "Asha", "Patel-Jones"]], header=["email", "first_name", "last_name"])
    imports.apply(plan=plan, actor=None)

    assert [(u.row.email, u.changes) for u in plan.to_update] == [
        ("asha.patel@leeds.nhs.uk", [FieldChange("Last name", "Patel", "Patel-Jones")])
    ]
    asha.refresh_from_db()
    assert asha.last_name == "Patel-Jones"
    assert (asha.job_title, asha.organisation_id, sorted(asha.groups.values_list("name", flat=True))) == before
