from datetime import UTC, date, datetime

import pytest

from pairs_group.account.dates import LondonDates
from pairs_group.i18n import LANGUAGES
from pairs_group.templating import london_date, london_time

MOMENTS = [datetime(2026, 1, 6, 23, 30, tzinfo=UTC),  # Greenwich time, the day after in none
           datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # summer time: already 1 July in London
           datetime(2026, 3, 29, 0, 59, tzinfo=UTC)]  # the clocks go forward at 01:00


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_her_pages_days_and_times_read_as_the_date_and_time_filters_write_them(app, code):
    with app.test_request_context(f"/?lang={code}"):
        when = LondonDates()
        for moment in MOMENTS:
            for style in ("full", "long", "medium", "short", "EEEE"):
                assert when.date(moment, style) == london_date(moment, style)
            assert when.date(moment) == london_date(moment)
            assert when.time(moment) == london_time(moment)
        assert when.date(date(2026, 7, 1), "medium") == london_date(date(2026, 7, 1), "medium")
        assert when.date(None) == when.time(None) == ""
