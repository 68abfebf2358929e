"""`flask backup PATH` and `flask restore PATH`: a consistent copy of a SQLite database taken
while the app runs (SQLite's online backup API). PostgreSQL is backed up with pg_dump.

A restore puts back only a backup of this app's database (a SQLite file whose migration
revision this code knows), and keeps a copy of the database it replaces beside it."""

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy.engine import make_url

from pairs_group.cli_params import os_problem
from pairs_group.db import db

PG_ADVICE = ("This database is PostgreSQL: back it up with pg_dump, e.g. "
             "pg_dump --format=custom --file=pairs.dump \"$DATABASE_URL\", and restore with "
             "pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" pairs.dump (see README).")
SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_path():
    """The file of the app's SQLite database, or a ClickException saying what to use instead."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(PG_ADVICE)
    if not url.database or url.database == ":memory:":
        raise click.ClickException("An in-memory database cannot be backed up.")
    return Path(url.database)


def copy_database(source, target):
    """Copy one SQLite database into another, page by page, while others keep using it."""
    with sqlite3.connect(source) as reader, sqlite3.connect(target) as writer:
        reader.execute("PRAGMA busy_timeout=15000")
        reader.backup(writer, pages=1024)
    reader.close()
    writer.close()


def write_copy(source, target, what):
    """Copy the database to a new file only the owner can read (it holds people's details);
    a copy that fails half-way is removed, and the failure is one clear line."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_database(source, target)
        target.chmod(0o600)
    except (OSError, sqlite3.Error) as error:
        with contextlib.suppress(OSError):
            target.unlink()  # ours: the target did not exist before
        raise click.ClickException(f"Cannot write {what} to {target}: {os_problem(error)}; "
                                   "nothing was changed.") from error
    return target


def backup_database(target):
    target = Path(target)
    if target.exists():
        raise click.ClickException(f"{target} already exists: choose a new file name.")
    return write_copy(sqlite_path(), target, "the backup")


def known_revisions():
    """Every migration revision this code has (the head and its ancestors)."""
    scripts = ScriptDirectory(current_app.config["MIGRATIONS_DIR"])
    return {script.revision for script in scripts.walk_revisions()}, scripts.get_current_head()


def backup_revision(source):
    """The migration revision recorded in a backup, or a ClickException saying why the file
    is not a backup of this app's database. The file is opened read-only."""
    with open(source, "rb") as start:
        header = start.read(len(SQLITE_HEADER))
    if not header:
        raise click.ClickException(f"{source} is empty: it is not a backup.")
    if header != SQLITE_HEADER:
        raise click.ClickException(f"{source} is not a SQLite database, so not a backup made "
                                   "by `flask backup`.")
    try:
        with sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True) as check:
            sound = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {row[0] for row in check.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = (check.execute("SELECT version_num FROM alembic_version").fetchall()
                    if "alembic_version" in tables else [])
        check.close()
    except sqlite3.Error as error:
        raise click.ClickException(f"{source} is not a sound SQLite database: {error}") from error
    if not sound:
        raise click.ClickException(f"{source} is not a sound SQLite database.")
    if len(rows) != 1:
        raise click.ClickException(f"{source} is a SQLite database but not this app's: it has "
                                   "no migration revision (alembic_version).")
    return rows[0][0]


def check_backup(source):
    """The backup's revision and this code's head, once the backup is known to be ours."""
    if not source.is_file():
        raise click.ClickException(f"There is no backup at {source}.")
    if source.resolve() == sqlite_path().resolve():
        raise click.ClickException(f"{source} is the database itself, not a backup.")
    revision = backup_revision(source)
    try:
        known, head = known_revisions()
    except CommandError as error:
        raise click.ClickException(f"Cannot read this code's migrations: {error}") from error
    if revision not in known:
        raise click.ClickException(
            f"{source} is at migration revision {revision}, which this code does not know "
            "(another app's database, or a newer version's): nothing was changed.")
    return revision, head


def safety_copy_path(database):
    """Beside the database, named by the time (UTC) it was taken, never an existing file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        path = database.with_name(f"{database.stem}.before-restore-{stamp}{suffix}.sqlite3")
        if not path.exists():
            return path
    raise click.ClickException(f"Too many safety copies beside {database}.")


def restore_database(source):
    """Check the backup, keep a copy of the database it replaces, then put the backup back.
    Returns (safety copy or None, the backup's revision, this code's head revision)."""
    source = Path(source)
    revision, head = check_backup(source)
    database = sqlite_path()
    kept = (write_copy(database, safety_copy_path(database), "a safety copy of the database")
            if database.is_file() else None)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep reading the old pages
    try:
        copy_database(source, database)
    except (OSError, sqlite3.Error) as error:
        raise click.ClickException(f"Cannot restore into {database}: {os_problem(error)}; the "
                                   f"database as it was is kept at {kept}.") from error
    return kept, revision, head


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Copy the SQLite database to PATH (safe while the app is running)."""
    target = backup_database(path)
    click.echo(f"Backed up to {target} ({target.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_command(path, yes):
    """Replace the SQLite database with the backup at PATH. Stop the app first. The database
    it replaces is kept beside it (NAME.before-restore-TIME.sqlite3)."""
    check_backup(Path(path))
    if not yes:
        click.confirm("Everything in the database now will be replaced. Go on?", abort=True)
    kept, revision, head = restore_database(path)
    click.echo(f"Restored from {path}.")
    if kept:
        click.echo(f"The database as it was before is kept at {kept}.")
    if revision != head:
        click.echo(f"The backup is at migration {revision}, older than this code's {head}: run "
                   "`flask --app wsgi db upgrade` before starting the app.")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
