"""`manage.py import_people FILE [--dry-run]`: the report, the exit status, and the sample files."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from attendees.models import Organisation, Person
from summits.models import AuditEntry
from tests import factories
from tests.attendees.test_imports import GOOD_ROWS, csv_bytes, row

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# The groups seed_demo creates, which the sample files use.
DEMO_GROUPS = [
    "Acute trust boards",
    "Community trust boards",
    "Mental health trust boards",
    "CCG / ICB governing bodies",
    "Local authority adult social care directors",
    "CIO/CCIO network",
    "Chief nurses and clinical leaders",
    "Social care providers",
    "Voluntary and third sector leaders",
]


@pytest.fixture
def groups(db):
    return [factories.leadership_group(name=name) for name in DEMO_GROUPS]


@pytest.fixture
def people_file(tmp_path):
    def write(rows, name="people.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows))
        return path

    return write


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_people", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_import_people_creates_people_and_prints_the_counts(groups, people_file):
    output = run(people_file(GOOD_ROWS))

    assert output.splitlines() == [
        "people.csv",
        "Rows read: 3",
        "To create: 3",
        "To update: 0",
        "Unchanged: 0",
        "New organisations: 1",
        "Bad rows: 0",
        "Imported: 3 created, 0 updated, 0 unchanged",
    ]
    assert Person.objects.count() == 3
    assert AuditEntry.objects.get().after["created"] == 3


def test_import_people_run_twice_changes_nothing_the_second_time(groups, people_file):
    path = people_file(GOOD_ROWS)
    run(path)

    output = run(path)

    assert output.splitlines()[-1] == "Imported: 0 created, 0 updated, 3 unchanged"
    assert Person.objects.count() == 3


def test_import_people_with_a_bad_row_fails_writes_nothing_and_lists_every_bad_row(groups, people_file):
    rows = [
        *GOOD_ROWS,
        row(email="x@example.nhs.uk"),
        row(email="y@example.nhs.uk"),
        row(leadership_groups="Trust boardz"),
    ]
    rows.append(row(email="X@Example.nhs.uk", region="Narnia"))
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_people", str(people_file(rows)), stdout=out)

    assert str(error.value) == "2 bad row(s): nothing was imported. Fix the file and run again"
    assert out.getvalue().splitlines()[-4:] == [
        "Bad rows: 2",
        "Row 7: unknown leadership group 'Trust boardz'",
        "Row 8: unknown region 'Narnia'",
        "Row 8: duplicate email 'x@example.nhs.uk': also on row 5",
    ]
    assert (Person.objects.count(), Organisation.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_import_people_reports_an_unknown_group_with_its_row(groups, people_file):
    rows = [row(email=f"p{n}@example.nhs.uk") for n in range(5)] + [row(leadership_groups="Trust boardz")]
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_people", str(people_file(rows)), stdout=out)

    assert out.getvalue().splitlines()[-1] == "Row 7: unknown leadership group 'Trust boardz'"


def test_import_people_dry_run_reports_and_writes_nothing(groups, people_file):
    output = run(people_file(GOOD_ROWS), "--dry-run")

    assert output.splitlines()[-3:] == ["New organisations: 1", "Bad rows: 0", "Dry run: nothing was written"]
    assert (Person.objects.count(), Organisation.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_import_people_dry_run_with_a_bad_row_exits_non_zero(groups, people_file):
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_people", str(people_file([row(first_name="")])), "--dry-run", stdout=out)

    assert str(error.value) == "1 bad row(s): nothing was imported. Fix the file and run again"
    assert out.getvalue().splitlines()[-1] == "Row 2: missing first name"


def test_import_people_dry_run_lists_the_changes_at_verbosity_two(groups, people_file):
    run(people_file([row()]))

    output = run(people_file([row(job_title="Vice chair"), row(email="new@example.nhs.uk")]), "--dry-run", "-v", "2")

    assert output.splitlines()[7:9] == [
        "Row 3: create new@example.nhs.uk",
        "Row 2: update jo.bloggs@example.nhs.uk: Job title 'Chair' → 'Vice chair'",
    ]


def test_import_people_refuses_a_file_it_cannot_read(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"name,email\nJo,jo@example.nhs.uk\n")

    with pytest.raises(CommandError) as error:
        run(path)

    assert str(error.value).startswith("people.csv: The file is missing these columns: first_name, last_name.")


def test_import_people_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as error:
        run(tmp_path / "nowhere.csv")

    assert str(error.value) == f"Cannot read {tmp_path / 'nowhere.csv'}: No such file or directory"


@pytest.mark.parametrize("name", ["people.csv", "people.xlsx"])
def test_sample_file_imports_cleanly_into_the_demo_groups(groups, name):
    output = run(SAMPLES / name)

    assert output.splitlines()[-1] == "Imported: 30 created, 0 updated, 0 unchanged"
    assert Person.objects.values("organisation__region").distinct().count() == 7
    assert Person.groups.through.objects.values("leadershipgroup").distinct().count() == 9
