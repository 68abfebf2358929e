"""Long report tables a page at a time on screen (their CSV always has every row)."""

from dataclasses import dataclass
from math import ceil

PAGE_SIZE = 20
# Each paged table has its own query argument, so paging one leaves the others where they are.
PAGE_ARGS = {"groups": "groups-page", "sessions": "sessions-page",
             "registers": "registers-page", "comments": "comments-page"}
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    number: int
    count: int  # pages in all (at least 1)
    total: int  # rows in all
    size: int

    @property
    def offset(self):
        return (self.number - 1) * self.size

    @property
    def previous(self):
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self):
        return self.number + 1 if self.number < self.count else None


def page_of(total, asked, size=None):
    """The page asked for, within range: a link kept from when there were more rows shows the
    last page rather than an empty table."""
    size = size or PAGE_SIZE
    count = max(1, ceil(total / size))
    return Page(min(max(asked, 1), count), count, total, size)


def sliced(rows, asked, size=None):
    """(the rows of the page asked for, its Page) from a whole list."""
    page = page_of(len(rows), asked, size)
    return rows[page.offset:page.offset + page.size], page


def asked_pages(args):
    """{table: page number asked for} from the query string; 1 for missing or nonsense."""
    return {table: _whole_number(args.get(arg)) for table, arg in PAGE_ARGS.items()}


def _whole_number(text):
    try:
        return min(max(int(text), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def page_args(pages):
    """{query argument: page number} for the tables not on their first page."""
    return {PAGE_ARGS[table]: number for table, number in pages.items() if number > 1}
