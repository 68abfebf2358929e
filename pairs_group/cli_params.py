"""Click parameter types every command shares, so `--now` and a date mean the same thing in each:
a time without a zone is London time; days lie between times.FIRST_DAY and times.LAST_DAY."""

from datetime import date

import click

from pairs_group.times import FIRST_DAY, LAST_DAY, OutOfRange, day_in_range, parse_moment

MOMENT_EXAMPLE = "2027-01-11T10:05 (London time) or 2027-01-11T10:05+00:00"


class Moment(click.ParamType):
    """--now: an ISO date and time, given back as an aware UTC datetime."""

    name = "time"

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return parse_moment(value)
        except OutOfRange as error:
            self.fail(str(error), param, ctx)
        except ValueError:
            self.fail(f"{value!r} is not an ISO time: use one like {MOMENT_EXAMPLE}", param, ctx)


class Day(click.ParamType):
    """A calendar day written YYYY-MM-DD, between FIRST_DAY and LAST_DAY."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            self.fail(f"{value!r} is not a date: use YYYY-MM-DD, like 2027-01-11", param, ctx)
        if not day_in_range(day):
            self.fail(f"{day} is outside the dates the service covers "
                      f"({FIRST_DAY} to {LAST_DAY})", param, ctx)
        return day


MOMENT = Moment()
DAY = Day()

now_option = click.option(
    "--now", type=MOMENT, default=None, metavar="TIME",
    help=f"Run as if at this time: {MOMENT_EXAMPLE}. Without a zone, London time.")


def check_day_order(start, end):
    """A start after the end is a mistake, not an empty report."""
    if start and end and start > end:
        raise click.BadParameter(f"the end ({end}) is before the start ({start})",
                                 param_hint="--end")


def os_problem(error):
    """An OSError in words for one line: which part of a path is wrong, without Errno noise."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "part of that path is a file, not a folder"
    return getattr(error, "strerror", None) or str(error)
