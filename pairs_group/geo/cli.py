"""`flask geo import`: load the published postcode and deprivation lookups (or the sample)."""

import csv
from pathlib import Path

import click

from pairs_group.cli_params import os_problem
from pairs_group.db import db
from pairs_group.geo import service

SAMPLE = Path(__file__).resolve().parent / "sample"
SAMPLE_POSTCODES = SAMPLE / "postcode_lsoa_sample.csv"
SAMPLE_DEPRIVATION = SAMPLE / "imd2019_file7_sample.csv"

geo_commands = click.Group("geo", help="Postcode -> LSOA -> deprivation lookups.")


def import_files(postcodes=None, deprivation=None, edition=None):
    """Import either or both files in one transaction; returns how each went (a Tally)."""
    tallies = []
    if postcodes:
        tallies.append(read_csv(postcodes, service.import_postcodes))
    if deprivation:
        tallies.append(read_csv(deprivation, lambda lines, source: service.import_deprivation(
            lines, edition, source)[1]))
    db.session.commit()
    return tallies


def read_csv(path, importer):
    """Run an importer over a CSV file; a file that cannot be read is a LookupFileError."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as lines:
            return importer(lines, str(path))
    except (UnicodeDecodeError, csv.Error) as error:
        raise service.LookupFileError(f"{path} is not a UTF-8 CSV file: {error}") from error
    except OSError as error:
        raise service.LookupFileError(f"cannot read {path}: {os_problem(error)}") from error


def import_sample():
    """The small made-up lookup the demo and tests use."""
    return import_files(SAMPLE_POSTCODES, SAMPLE_DEPRIVATION, "IMD2019")


@geo_commands.command("import")
@click.option("--postcodes", type=click.Path(exists=True, dir_okay=False, readable=True),
              help="ONS postcode directory style CSV (pcds and lsoa11 and/or lsoa21 columns).")
@click.option("--deprivation", type=click.Path(exists=True, dir_okay=False, readable=True),
              help="IoD 'File 7' style CSV (LSOA code, IMD rank and decile columns).")
@click.option("--edition", help="IMD edition, e.g. IMD2019 or IMD2025 (default: from the "
                                "file's LSOA year).")
@click.option("--sample", is_flag=True, help="Load the small sample lookup (demo and tests).")
def import_command(postcodes, deprivation, edition, sample):
    """Replace the lookups from the published CSVs, saying how many rows were read, imported
    and skipped (and why). A file with no usable row is refused: the lookup in use is kept."""
    if not (postcodes or deprivation or sample):
        raise click.UsageError("Give --postcodes, --deprivation or --sample.")
    try:
        tallies = import_sample() if sample else import_files(postcodes, deprivation, edition)
    except service.LookupFileError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}; nothing was imported, the lookups in use are "
                                   "kept.") from error
    for tally in tallies:
        click.echo("Imported " + tally.describe() + ".")


def init_app(app):
    app.cli.add_command(geo_commands)
