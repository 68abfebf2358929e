"""Import the published lookups in bulk and find a postcode's IMD decile (SQL, not loops)."""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.geo.models import GeoImport, LsoaDeprivation, PostcodeLsoa

BATCH = 5000
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "postcode", "Postcode", "PCDS", "PCD")
LSOA_COLUMNS = {"2011": ("lsoa11", "lsoa11cd", "LSOA11CD", "lsoa11_code"),
                "2021": ("lsoa21", "lsoa21cd", "LSOA21CD", "lsoa21_code")}
# IoD File 7 headers, matched by their start so small wording changes between editions still work.
IMD_LSOA_PREFIX = "LSOA code"
IMD_RANK_PREFIX = "Index of Multiple Deprivation (IMD) Rank"
IMD_DECILE_PREFIX = "Index of Multiple Deprivation (IMD) Decile"
EDITION_FOR_BOUNDARY = {"2011": "IMD2019", "2021": "IMD2025"}
POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


class LookupFileError(ValueError):
    """The file is not one of the published layouts we know, or has no usable row."""


@dataclass
class Tally:
    """How one file's import went: rows read, rows imported, and rows skipped by reason, so
    the operator can tell a partial file from a whole one."""

    what: str
    read: int = 0
    imported: int = 0
    skipped: Counter = field(default_factory=Counter)

    def skip(self, reason):
        self.skipped[reason] += 1

    def describe(self):
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in self.skipped.most_common())
        skipped = sum(self.skipped.values())
        return (f"{self.what}: read {self.read:,} rows, imported {self.imported:,}, "
                f"skipped {skipped:,}" + (f" ({reasons})" if reasons else ""))

    def refuse_if_empty(self, source):
        """A file with nothing usable must not replace a lookup that works."""
        if not self.imported:
            raise LookupFileError(f"{source}: no usable rows ({self.describe()})")


def normalise_postcode(value):
    """Upper case without spaces: the key of the lookup."""
    return re.sub(r"\s+", "", value or "").upper()


def postcode_district(value):
    """The outward code (SW9 from SW9 7AA): the most an export may show of where someone lives."""
    code = normalise_postcode(value)
    return code[:-3] if POSTCODE_SHAPE.match(code) else ""


def normalised_postcode_sql(column):
    return sa.func.upper(sa.func.replace(column, " ", ""))


def _pick(header, candidates):
    return next((name for name in candidates if name in header), None)


def _batches(rows):
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


def import_postcodes(lines, source=""):
    """Replace the postcode -> LSOA lookup from an ONS postcode directory style CSV."""
    reader = csv.DictReader(lines)
    header = reader.fieldnames or []
    postcode_column = _pick(header, POSTCODE_COLUMNS)
    lsoa_columns = {year: _pick(header, names) for year, names in LSOA_COLUMNS.items()}
    if not postcode_column or not any(lsoa_columns.values()):
        raise LookupFileError(f"{source or 'the postcode file'}: need a postcode column (pcds) "
                              "and an LSOA column (lsoa11, lsoa21)")
    tally = Tally("postcodes")
    db.session.execute(sa.delete(PostcodeLsoa))
    for batch in _batches(_postcode_rows(reader, postcode_column, lsoa_columns, tally)):
        db.session.execute(sa.insert(PostcodeLsoa), batch)
        tally.imported += len(batch)
    tally.refuse_if_empty(source or "the postcode file")
    boundary = ",".join(year for year, column in lsoa_columns.items() if column)
    db.session.add(GeoImport(kind="postcodes", boundary=boundary[:4], source=source[:300],
                             rows=tally.imported))
    return tally


def _postcode_rows(reader, postcode_column, lsoa_columns, tally):
    seen = set()
    for row in reader:
        tally.read += 1
        postcode = normalise_postcode(row.get(postcode_column))
        lsoas = {year: (row.get(lsoa_columns[year] or "", "") or "").strip()[:9]
                 for year in LSOA_COLUMNS}
        if not POSTCODE_SHAPE.match(postcode):
            tally.skip("not a postcode")
        elif postcode in seen:
            tally.skip("repeated postcode")
        elif not any(lsoas.values()):
            tally.skip("no LSOA code")
        else:
            seen.add(postcode)
            yield {"postcode": postcode, "lsoa11": lsoas["2011"], "lsoa21": lsoas["2021"]}


def _imd_columns(header, source):
    found = {prefix: next((h for h in header if h.startswith(prefix)), None)
             for prefix in (IMD_LSOA_PREFIX, IMD_RANK_PREFIX, IMD_DECILE_PREFIX)}
    if not found[IMD_LSOA_PREFIX] or not found[IMD_DECILE_PREFIX]:
        raise LookupFileError(f"{source or 'the deprivation file'}: need the IoD File 7 columns "
                              "'LSOA code (...)' and 'Index of Multiple Deprivation (IMD) "
                              "Decile ...'")
    return found


def import_deprivation(lines, edition=None, source=""):
    """Replace one edition's LSOA -> IMD decile rows from an IoD File 7 style CSV."""
    reader = csv.DictReader(lines)
    columns = _imd_columns(reader.fieldnames or [], source)
    match = re.search(r"\((20\d\d)\)", columns[IMD_LSOA_PREFIX])
    boundary = match.group(1) if match else "2011"
    edition = (edition or EDITION_FOR_BOUNDARY.get(boundary, "IMD" + boundary)).upper()[:10]
    tally = Tally(f"LSOAs of {edition}")
    db.session.execute(sa.delete(LsoaDeprivation).where(LsoaDeprivation.edition == edition))
    for batch in _batches(_imd_rows(reader, columns, edition, tally)):
        db.session.execute(sa.insert(LsoaDeprivation), batch)
        tally.imported += len(batch)
    tally.refuse_if_empty(source or "the deprivation file")
    db.session.add(GeoImport(kind="deprivation", edition=edition, boundary=boundary,
                             source=source[:300], rows=tally.imported))
    return edition, tally


def _imd_rows(reader, columns, edition, tally):
    seen = set()
    for row in reader:
        tally.read += 1
        lsoa = (row.get(columns[IMD_LSOA_PREFIX]) or "").strip()[:9]
        decile = _integer(row.get(columns[IMD_DECILE_PREFIX]))
        if not lsoa:
            tally.skip("no LSOA code")
        elif lsoa in seen:
            tally.skip("repeated LSOA")
        elif not decile or not 1 <= decile <= 10:
            tally.skip("decile missing or not 1-10")
        else:
            seen.add(lsoa)
            rank = _integer(row.get(columns[IMD_RANK_PREFIX])) if columns[IMD_RANK_PREFIX] else None
            yield {"edition": edition, "lsoa": lsoa, "imd_decile": decile,
                   "imd_rank": rank if rank and 0 < rank < 2**31 else None}


def _integer(text):
    try:
        return int(float(str(text).replace(",", "").strip()))
    except (ValueError, OverflowError):
        return None


def latest_edition():
    """The most recently imported IMD edition and its LSOA boundary year, or (None, None)."""
    found = db.session.execute(
        sa.select(GeoImport.edition, GeoImport.boundary).where(GeoImport.kind == "deprivation")
        .order_by(GeoImport.imported_at.desc(), GeoImport.id.desc()).limit(1)).first()
    return (found.edition, found.boundary) if found else (None, None)


def decile_query(postcode_column, edition, boundary):
    """A scalar subquery: the IMD decile of the postcode in `postcode_column` (None if unknown)."""
    lsoa_column = PostcodeLsoa.lsoa21 if boundary == "2021" else PostcodeLsoa.lsoa11
    return (sa.select(LsoaDeprivation.imd_decile)
            .join(PostcodeLsoa, lsoa_column == LsoaDeprivation.lsoa)
            .where(PostcodeLsoa.postcode == normalised_postcode_sql(postcode_column),
                   LsoaDeprivation.edition == edition)
            .limit(1).scalar_subquery())


def edition_boundary(edition):
    """The LSOA boundary year an imported edition is keyed on."""
    return db.session.scalar(
        sa.select(GeoImport.boundary).where(GeoImport.kind == "deprivation",
                                            GeoImport.edition == edition)
        .order_by(GeoImport.id.desc()).limit(1))


def decile_for_postcode(postcode, edition=None):
    """One postcode's decile in the given (or latest) edition."""
    edition = edition or latest_edition()[0]
    boundary = edition_boundary(edition) if edition else None
    if not boundary:
        return None
    return db.session.scalar(sa.select(decile_query(sa.literal(postcode), edition, boundary)))
