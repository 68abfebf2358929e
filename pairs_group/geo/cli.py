"""`flask geo import`: load the published postcode and deprivation lookups (or the sample)."""

from pathlib import Path

import click

from pairs_group.db import db
from pairs_group.geo import service

SAMPLE = Path(__file__).resolve().parent / "sample"
SAMPLE_POSTCODES = SAMPLE / "postcode_lsoa_sample.csv"
SAMPLE_DEPRIVATION = SAMPLE / "imd2019_file7_sample.csv"

geo_commands = click.Group("geo", help="Postcode -> LSOA -> deprivation lookups.")


def import_files(postcodes=None, deprivation=None, edition=None):
    """Import either or both files in one transaction; returns lines to print."""
    said = []
    if postcodes:
        with open(postcodes, newline="", encoding="utf-8-sig") as lines:
            said.append(f"{service.import_postcodes(lines, str(postcodes)):,} postcodes")
    if deprivation:
        with open(deprivation, newline="", encoding="utf-8-sig") as lines:
            found, count = service.import_deprivation(lines, edition, str(deprivation))
            said.append(f"{count:,} LSOAs of {found}")
    db.session.commit()
    return said


def import_sample():
    """The small made-up lookup the demo and tests use."""
    return import_files(SAMPLE_POSTCODES, SAMPLE_DEPRIVATION, "IMD2019")


@geo_commands.command("import")
@click.option("--postcodes", type=click.Path(exists=True, dir_okay=False),
              help="ONS postcode directory style CSV (pcds and lsoa11 and/or lsoa21 columns).")
@click.option("--deprivation", type=click.Path(exists=True, dir_okay=False),
              help="IoD 'File 7' style CSV (LSOA code, IMD rank and decile columns).")
@click.option("--edition", help="IMD edition, e.g. IMD2019 or IMD2025 (default: from the "
                                "file's LSOA year).")
@click.option("--sample", is_flag=True, help="Load the small sample lookup (demo and tests).")
def import_command(postcodes, deprivation, edition, sample):
    """Replace the lookups from the published CSVs."""
    if not (postcodes or deprivation or sample):
        raise click.UsageError("Give --postcodes, --deprivation or --sample.")
    try:
        said = import_sample() if sample else import_files(postcodes, deprivation, edition)
    except (service.LookupFileError, UnicodeDecodeError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo("Imported " + " and ".join(said) + ".")


def init_app(app):
    app.cli.add_command(geo_commands)
