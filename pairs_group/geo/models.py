"""Lookup tables imported from published CSVs: postcode -> LSOA, LSOA -> IMD rank and decile."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pairs_group.db import UTCDateTime, db, utcnow


class PostcodeLsoa(db.Model):
    """One postcode (upper case, no spaces) and its LSOAs on 2011 and 2021 boundaries."""

    __tablename__ = "geo_postcode_lsoa"

    postcode: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    lsoa11: Mapped[str] = mapped_column(sa.String(9), default="", index=True)
    lsoa21: Mapped[str] = mapped_column(sa.String(9), default="", index=True)


class LsoaDeprivation(db.Model):
    """An LSOA's IMD rank and decile (1 = most deprived 10%) in one edition, e.g. IMD2019."""

    __tablename__ = "geo_lsoa_deprivation"

    edition: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    lsoa: Mapped[str] = mapped_column(sa.String(9), primary_key=True)
    imd_rank: Mapped[int | None]
    imd_decile: Mapped[int]


class GeoImport(db.Model):
    """A record of each file imported: what, which edition, how many rows, when."""

    __tablename__ = "geo_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # "postcodes" or "deprivation"
    edition: Mapped[str] = mapped_column(sa.String(20), default="")
    boundary: Mapped[str] = mapped_column(sa.String(4), default="")  # LSOA year: 2011 or 2021
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    rows: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
