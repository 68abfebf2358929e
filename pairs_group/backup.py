"""`flask backup PATH` and `flask restore PATH`: a consistent copy of a SQLite database taken
while the app runs (SQLite's online backup API). PostgreSQL is backed up with pg_dump."""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from pairs_group.db import db

PG_ADVICE = ("This database is PostgreSQL: back it up with pg_dump, e.g. "
             "pg_dump --format=custom --file=pairs.dump \"$DATABASE_URL\", and restore with "
             "pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" pairs.dump (see README).")


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


def backup_database(target):
    target = Path(target)
    if target.exists():
        raise click.ClickException(f"{target} already exists: choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_database(sqlite_path(), target)
    target.chmod(0o600)  # it holds people's personal details
    return target


def restore_database(source):
    source = Path(source)
    if not source.is_file():
        raise click.ClickException(f"There is no backup at {source}.")
    with sqlite3.connect(source) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise click.ClickException(f"{source} is not a sound SQLite database.")
    check.close()
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep reading the old pages
    copy_database(source, sqlite_path())


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
    """Replace the SQLite database with the backup at PATH. Stop the app first."""
    if not yes:
        click.confirm("Everything in the database now will be replaced. Go on?", abort=True)
    restore_database(path)
    click.echo(f"Restored from {path}.")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
