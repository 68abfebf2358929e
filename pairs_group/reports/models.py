"""The reports' one table: a number that goes up whenever data the reports read changes."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pairs_group.db import db

THE_ROW = 1


class ReportDataGeneration(db.Model):
    """A single row (id 1). Every app process compares the number with the one its cached
    figures were worked out at: a write in any process shows in every process's next report."""

    __tablename__ = "report_data_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(sa.BigInteger, default=0)


@sa.event.listens_for(ReportDataGeneration.__table__, "after_create")
def _insert_the_row(table, connection, **_kwargs):
    """Databases built from the models (tests, benchmarks) get the row the migration adds."""
    connection.execute(table.insert().values(id=THE_ROW, number=0))
