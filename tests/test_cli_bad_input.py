"""Commands never lose data or lie: each bad input gets one line naming the problem, a non-zero
exit, no traceback, and leaves the database and files as they were (issue 13 section 2, and the
command line's dates of issue 21)."""

import hashlib
import sqlite3

import click
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pairs_group import cli_params
from pairs_group.audit.models import AuditEvent
from pairs_group.backup import sqlite_path
from pairs_group.db import db
from pairs_group.geo.models import LsoaDeprivation, PostcodeLsoa
from pairs_group.groups.models import Venue
from pairs_group.i18n_cli import CATALOGUES
from tests import factories
from tests.conftest import count_rows


def refused(result, *words):
    """Click's own exit (not an escaped exception), non-zero, and exactly one `Error:` line,
    which names the problem."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    for word in words:
        assert word in errors[0], result.output
    return errors[0]


def on_sqlite():
    return db.engine.dialect.name == "sqlite"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- restore and backup


def sqlite_file(path, *statements):
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    return path


def file_of(content):
    def make(path):
        path.write_bytes(content)
        return path
    return make


BAD_BACKUPS = {
    "empty": (file_of(b""), "is empty"),
    "text": (file_of(b"name,phone\nAna,07700\n"), "not a SQLite database"),
    "random": (file_of(bytes(range(256)) * 40), "not a SQLite database"),
    "another app's": (lambda p: sqlite_file(p, "CREATE TABLE notes (body TEXT)"),
                      "not this app's"),
    "unknown revision": (lambda p: sqlite_file(
        p, "CREATE TABLE alembic_version (version_num VARCHAR(32))",
        "INSERT INTO alembic_version VALUES ('deadbeef1234')"), "deadbeef1234"),
}


@pytest.mark.parametrize("kind", BAD_BACKUPS)
def test_restore_refuses_what_is_not_a_backup_of_this_app(app, runner, tmp_path, kind):
    if not on_sqlite():
        pytest.skip("SQLite restore")
    factories.make_venue(name="Kept")
    db.session.commit()
    make, words = BAD_BACKUPS[kind]
    backup = make(tmp_path / "backup.sqlite3")
    before = set(sqlite_path().parent.iterdir())
    refused(runner.invoke(args=["restore", "--yes", str(backup)]), str(backup), words)
    assert db.session.scalars(sa.select(Venue.name)).all() == ["Kept"]
    assert set(sqlite_path().parent.iterdir()) == before  # no safety copy, nothing else


def test_restore_keeps_a_safety_copy_and_says_where(app, runner, tmp_path):
    if not on_sqlite():
        pytest.skip("SQLite restore")
    factories.make_venue(name="In the backup")
    db.session.commit()
    backup = tmp_path / "backup.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    factories.make_venue(name="Only in the database")
    db.session.commit()
    before = set(sqlite_path().parent.iterdir())
    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    [kept] = [p for p in set(sqlite_path().parent.iterdir()) - before
              if ".before-restore-" in p.name]
    assert kept.parent == sqlite_path().parent and f"kept at {kept}." in result.output
    assert oct(kept.stat().st_mode)[-3:] == "600"
    with sqlite3.connect(kept) as copy:
        names = {row[0] for row in copy.execute("SELECT name FROM venue")}
    copy.close()
    assert names == {"In the backup", "Only in the database"}
    assert db.session.scalars(sa.select(Venue.name)).all() == ["In the backup"]


def test_restoring_an_older_revision_says_to_upgrade(app, runner, tmp_path):
    if not on_sqlite():
        pytest.skip("SQLite restore")
    backup = tmp_path / "backup.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    from alembic.script import ScriptDirectory

    older = ScriptDirectory(app.config["MIGRATIONS_DIR"]).get_revision(head).down_revision
    sqlite_file(backup, f"UPDATE alembic_version SET version_num = '{older}'")
    try:
        result = runner.invoke(args=["restore", "--yes", str(backup)])
        assert result.exit_code == 0, result.output
        assert f"at migration {older}, older than this code's {head}" in result.output
        assert "db upgrade" in result.output
    finally:
        db.session.execute(sa.text(f"UPDATE alembic_version SET version_num = '{head}'"))
        db.session.commit()


@pytest.mark.parametrize("where", ["under a file", "/proc"])
def test_backup_to_a_path_that_cannot_be_written_is_one_line(app, runner, tmp_path, where):
    if not on_sqlite():
        pytest.skip("SQLite backup")
    (tmp_path / "a-file").write_text("x")
    target = tmp_path / "a-file" / "b.sqlite3" if where == "under a file" else "/proc/x/b.sqlite3"
    refused(runner.invoke(args=["backup", str(target)]), "Cannot write the backup", str(target))
    assert (tmp_path / "a-file").read_text() == "x"


# ---------------------------------------------------------------- translate init


def test_translate_init_refuses_a_language_that_has_a_catalogue(runner):
    catalogue = CATALOGUES / "pt" / "LC_MESSAGES" / "messages.po"
    before = digest(catalogue)
    entries = catalogue.read_text(encoding="utf-8").count("\nmsgid ")
    assert entries > 1000
    refused(runner.invoke(args=["translate", "init", "pt"]), "pt already has a catalogue")
    assert digest(catalogue) == before


@pytest.mark.parametrize("code", ["xx", "../etc", "", "en"])
def test_translate_init_refuses_a_code_that_is_not_a_new_language(runner, code):
    before = sorted(p.name for p in CATALOGUES.iterdir())
    refused(runner.invoke(args=["translate", "init", code]), "LANGUAGE")
    assert sorted(p.name for p in CATALOGUES.iterdir()) == before


# ---------------------------------------------------------------- export and report


def exports_audited():
    return count_rows(AuditEvent)


def test_export_refuses_a_folder_that_is_not_empty(app, runner, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    refused(runner.invoke(args=["export", str(folder)]), "is not empty", "--force")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert exports_audited() == 0


def test_export_with_force_says_what_it_replaced_and_keeps_other_files(app, runner, tmp_path):
    folder = tmp_path / "out"
    assert runner.invoke(args=["export", str(folder)]).exit_code == 0
    (folder / "dyads.csv").write_text("old")
    (folder / "notes.txt").write_text("mine")
    refused(runner.invoke(args=["export", str(folder)]), "is not empty")
    assert (folder / "dyads.csv").read_text() == "old"
    result = runner.invoke(args=["export", str(folder), "--force"])
    assert result.exit_code == 0, result.output
    assert "Replaced 8 file(s)" in result.output and "referrals.csv" in result.output
    assert (folder / "dyads.csv").read_text().startswith("dyad_id,")
    assert (folder / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("where", ["under a file", "/proc"])
def test_export_to_a_path_that_cannot_be_written_is_one_line(app, runner, tmp_path, where):
    (tmp_path / "a-file").write_text("x")
    target = tmp_path / "a-file" / "out" if where == "under a file" else "/proc/x/out"
    refused(runner.invoke(args=["export", str(target)]), "Cannot write the export")
    assert (tmp_path / "a-file").read_text() == "x"
    assert exports_audited() == 0


FILTER_MISTAKES = [
    (["--group", "99999"], "no group 99999"),
    (["--venue", "99999"], "no venue 99999"),
    (["--group", "99999999999999999999"], "range"),
    (["--group", "two"], "--group"),
    (["--language", "xx"], "'xx' is not one of the app's languages"),
    (["--language", " "], "not one of the app's languages"),
    (["--start", "2027-02-01", "--end", "2027-01-31"], "before the start"),
    (["--start", "9999-12-31", "--end", "9999-12-31"], "2100-12-31"),
    (["--end", "1999-12-31"], "2000-01-01"),
    (["--start", "2101-01-01"], "outside the dates"),
    (["--start", "2027-13-01"], "YYYY-MM-DD"),
    (["--start", "01/02/2027"], "YYYY-MM-DD"),
]


@pytest.mark.parametrize(("args", "words"), FILTER_MISTAKES)
@pytest.mark.parametrize("command", ["report", "export"])
def test_report_and_export_refuse_a_filter_that_makes_no_sense(app, runner, tmp_path, command,
                                                               args, words):
    folder = tmp_path / "out"
    where = [str(folder)] if command == "export" else []
    refused(runner.invoke(args=[command, *where, *args]), words)
    assert not folder.exists()
    assert exports_audited() == 0


def test_report_and_export_take_a_real_group_and_language(app, runner, tmp_path):
    group = factories.make_group()
    db.session.commit()
    args = ["--group", str(group.id), "--venue", str(group.venue_id), "--language", "pt",
            "--start", "2026-01-01", "--end", "2026-01-01"]
    assert runner.invoke(args=["report", *args]).exit_code == 0
    assert runner.invoke(args=["export", str(tmp_path / "out"), *args]).exit_code == 0


# ---------------------------------------------------------------- geo import


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def lookup_counts():
    return count_rows(PostcodeLsoa), count_rows(LsoaDeprivation)


def test_geo_import_says_what_it_read_imported_and_skipped(app, runner, tmp_path):
    mixed = write(tmp_path / "mixed.csv", "pcds,lsoa21\nSW9 1AA,E01000001\nnot a postcode,E01\n"
                                          "SW9 1AA,E01000001\nSE5 8AA,\nSE5 9BB,E01000002\n")
    result = runner.invoke(args=["geo", "import", "--postcodes", str(mixed)])
    assert result.exit_code == 0, result.output
    assert ("postcodes: read 5 rows, imported 2, skipped 3 (1 not a postcode, "
            "1 repeated postcode, 1 no LSOA code)") in result.output
    assert lookup_counts()[0] == 2


GEO_MISTAKES = {
    "headers only": ("--postcodes", "pcds,lsoa21\n", "no usable rows"),
    "no usable row": ("--postcodes", "pcds,lsoa21\nnonsense,E01\n", "1 not a postcode"),
    "wrong columns": ("--postcodes", "name,phone\nAna,07700\n", "need a postcode column"),
    "deprivation headers only": (
        "--deprivation", "LSOA code (2011),Index of Multiple Deprivation (IMD) Decile\n",
        "no usable rows"),
    "deprivation wrong columns": ("--deprivation", "a,b\n1,2\n", "File 7"),
    "binary": ("--postcodes", b"\xff\xfe\x00\x01" * 50, "not a UTF-8 CSV file"),
}


@pytest.mark.parametrize("kind", GEO_MISTAKES)
def test_geo_import_never_replaces_a_working_lookup_with_nothing(app, runner, tmp_path, kind):
    assert runner.invoke(args=["geo", "import", "--sample"]).exit_code == 0
    before = lookup_counts()
    option, content, words = GEO_MISTAKES[kind]
    path = tmp_path / "file.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    refused(runner.invoke(args=["geo", "import", option, str(path)]), str(path), words,
            "nothing was imported")
    assert lookup_counts() == before


def test_geo_import_of_a_missing_file_is_a_clear_error(app, runner, tmp_path):
    refused(runner.invoke(args=["geo", "import", "--postcodes", str(tmp_path / "nope.csv")]),
            "does not exist")
    refused(runner.invoke(args=["geo", "import", "--deprivation", str(tmp_path)]),
            "is a directory")


# ---------------------------------------------------------------- --now, one rule everywhere

NOW_COMMANDS = [["sms", "dispatch"], ["reminders", "send"], ["questionnaires", "send-links"]]


@pytest.mark.parametrize("command", NOW_COMMANDS)
@pytest.mark.parametrize(("value", "words"), [
    ("notadate", "use one like 2027-01-11T10:05"), ("", "is not an ISO time"),
    ("9999-12-31T23:59", "2100-12-31"), ("1970-01-01T00:00", "2000-01-01"),
    ("2027-02-30T10:00", "is not an ISO time")])
def test_a_bad_now_is_one_clear_line_and_changes_nothing(app, runner, command, value, words):
    refused(runner.invoke(args=[*command, "--now", value]), "--now", words)
    assert exports_audited() == 0


def all_commands(group, path=()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_now_and_date_option_is_the_shared_type(app):
    """One rule for --now (no zone: London) and one range for dates, in every command."""
    seen = {"now": 0, "start": 0, "end": 0}
    for path, command in all_commands(app.cli):
        for param in command.params:
            if param.name == "now":
                assert param.type is cli_params.MOMENT, path
            if param.name in ("start", "end"):
                assert param.type is cli_params.DAY, path
            if param.name in seen:
                seen[param.name] += 1
    assert seen == {"now": 5, "start": 2, "end": 2}


@pytest.mark.parametrize(("value", "utc"), [
    ("2027-07-01T10:00", "2027-07-01T09:00:00+00:00"),  # summer: London is UTC+1
    ("2027-01-11T10:00", "2027-01-11T10:00:00+00:00"),  # winter: London is UTC
    ("2027-07-01T10:00+02:00", "2027-07-01T08:00:00+00:00"),  # a zone given is respected
    ("2027-07-01T10:00Z", "2027-07-01T10:00:00+00:00")])
def test_now_without_a_zone_is_london_time(app, runner, value, utc):
    result = runner.invoke(args=["reminders", "send", "--now", value])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{utc}: 0 reminders queued"), result.output


# ---------------------------------------------------------------- a broken instrument file


def broken_instruments(make_app, tmp_path, content="id: prfq\nversion: 1\n"):
    folder = tmp_path / "instruments"
    folder.mkdir()
    (folder / "prfq.yaml").write_bytes(content if isinstance(content, bytes) else content.encode())
    return make_app(INSTRUMENTS_DIR=str(folder)), folder / "prfq.yaml"


@pytest.mark.parametrize(("content", "words"), [
    ("id: prfq\nversion: 1\n", "'title' is a required property"),
    ("id: [unclosed\n", "cannot be read"),
    (b"\xff\xfe\x00", "cannot be read")])
def test_instruments_check_names_the_bad_file_instead_of_crashing(make_app, tmp_path, content,
                                                                   words):
    app, bad = broken_instruments(make_app, tmp_path, content)
    with app.app_context():  # as `flask` itself pushes one
        result = app.test_cli_runner().invoke(args=["instruments", "check"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    invalid = [line for line in result.output.splitlines() if line.startswith("INVALID")]
    assert len(invalid) == 1 and str(bad) in invalid[0] and words in invalid[0], result.output
    assert result.output.count("ok ") == 7  # the shipped files are still checked
    assert "Error: 1 instrument file(s) are not valid" in result.output


def test_other_commands_refuse_while_an_instrument_file_is_broken(make_app, tmp_path):
    app, bad = broken_instruments(make_app, tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        for args in (["reminders", "send"], ["questionnaires", "send-links", "--now", "x"],
                     ["report"], ["instruments", "score", "prfq", str(bad)]):
            refused(runner.invoke(args=args), str(bad))
            assert count_rows(AuditEvent) == 0
        assert "instruments check" in runner.invoke(args=["report"]).output


def test_the_web_server_refuses_to_start_naming_the_bad_file(make_app, tmp_path, capsys):
    from pairs_group.startup import APP_LOAD_ERROR, refuse_to_serve

    app, bad = broken_instruments(make_app, tmp_path)
    with pytest.raises(SystemExit) as stopped:  # gunicorn: no click context
        refuse_to_serve(app)
    assert stopped.value.code == APP_LOAD_ERROR
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "cannot start" in lines[0]

    @click.command("run")
    def run():
        refuse_to_serve(app)

    result = CliRunner().invoke(run)  # `flask run`: one Error line
    refused(result, str(bad))
    refuse_to_serve(make_app())  # a sound app serves
