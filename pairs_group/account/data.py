"""Everything held about a parent, found by following foreign keys from her row, so tables other
features add (consents, answers, offers) are included without this module knowing them."""

import csv
import enum
import io
import json
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from pairs_group.account import data_labels
from pairs_group.db import db

# Never shown or exported: secrets that would let someone act as her.
SECRET_COLUMNS = {"salt", "code_hash", "token", "password_hash"}
MAX_ROWS_PER_TABLE = 5000
MAX_TABLES = 60


def _table(name):
    return db.metadata.tables[name]


def _referencing(table_names):
    """(table, column, referenced table) for every foreign key into one of these tables."""
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in table_names and fk.column.name == "id":
                yield table, fk.parent, fk.column.table.name


def _rows(table, column, ids):
    query = sa.select(table).where(column.in_(ids)).order_by(*table.primary_key.columns)
    return [dict(row) for row in db.session.execute(query.limit(MAX_ROWS_PER_TABLE)).mappings()]


def _babies(dyads):
    ids = {row["baby_id"] for row in dyads}
    return _rows(_table("baby"), _table("baby").c.id, ids) if ids else []


def collect(parent):
    """{table name: [row dicts]} for her row and every row that hangs from it, in the order they
    were found (parents before the rows that point at them)."""
    found = {"parent": _rows(_table("parent"), _table("parent").c.id, [parent.id])}
    frontier = {"parent"}
    for _round in range(MAX_TABLES):
        additions = {}
        for table, column, target in _referencing(frontier):
            ids = [row["id"] for row in found[target]]
            rows = [r for r in _rows(table, column, ids) if r not in found.get(table.name, [])]
            if rows and table.name not in found:
                additions.setdefault(table.name, []).extend(
                    r for r in rows if r not in additions.get(table.name, []))
        if not additions:
            break
        found.update(additions)
        if "dyad" in additions:
            found["baby"] = _babies(additions["dyad"])
        frontier = set(additions)
    return found


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def visible(found):
    """Her data without the secrets, as plain JSON values."""
    return {name: [{k: _plain(v) for k, v in row.items() if k not in SECRET_COLUMNS}
                   for row in rows] for name, rows in found.items()}


# Bookkeeping a person does not need to read (the downloads still have every column; the
# text's context is what its words were made from, and the words are shown).
TECHNICAL_COLUMNS = {"id", "version", "session_version", "attempts", "provider_id", "encoding",
                     "segments", "idempotency_key", "claimed_at", "updated_at", "urgent",
                     "error_code", "error_message", "send_after", "status_callback_at",
                     "pseudonym", "context"}
# Ids that are not bookkeeping: which questionnaire and which question.
READABLE_IDS = {"instrument_id", "item_id"}


def _shown_on_page(key, value):
    return (key not in SECRET_COLUMNS and key not in TECHNICAL_COLUMNS
            and (not key.endswith("_id") or key in READABLE_IDS)
            and value not in (None, "", {}, []))


def for_reading(found):
    """Her data for the page, as labelled lines: without secrets, ids, bookkeeping and empty
    values; dates, Yes/No and codes in her language (see data_labels)."""
    return data_labels.readable({name: [{k: v for k, v in row.items() if _shown_on_page(k, v)}
                                        for row in rows] for name, rows in found.items()})


def as_json(found):
    return json.dumps(visible(found), ensure_ascii=False, indent=2, default=str)


def as_csv(found):
    """One spreadsheet she can read: a row per detail, with its section, label and value in her
    language, then the stored name and value for machines. Every column is in it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Section"), _("Number"), _("Detail"), _("Value"), _("Stored as"),
                     _("Stored value")])
    for name, rows in found.items():
        for number, row in enumerate(rows, start=1):
            for key, value in row.items():
                if key in SECRET_COLUMNS:
                    continue
                plain = _plain(value)
                stored = json.dumps(plain, ensure_ascii=False) if isinstance(plain, dict | list) \
                    else ("" if plain is None else str(plain))
                writer.writerow([str(data_labels.section_title(name)), number,
                                 str(data_labels.label_for(name, key) or key),
                                 _no_formula(data_labels.readable_value(name, key, value)),
                                 f"{name}.{key}", _no_formula(stored)])
    return out.getvalue()


def _no_formula(text):
    """A value that a spreadsheet would run as a formula is quoted, so it stays text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
