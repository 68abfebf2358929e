"""Postcode -> LSOA -> IMD decile: imported from the published layouts, edition recorded."""

import io

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.geo import service
from pairs_group.geo.cli import SAMPLE
from pairs_group.geo.models import GeoImport, LsoaDeprivation, PostcodeLsoa


def test_the_sample_lookup_imports_from_the_command_line(runner):
    result = runner.invoke(args=["geo", "import", "--sample"])
    assert result.exit_code == 0, result.output
    assert "postcodes" in result.output and "IMD2019" in result.output
    assert service.decile_for_postcode("sw9 1aa") == 1
    assert service.decile_for_postcode("SW97AA") == 4
    assert service.decile_for_postcode("E1 6AN") is None
    editions = db.session.scalars(sa.select(GeoImport.edition).where(
        GeoImport.kind == "deprivation")).all()
    assert editions == ["IMD2019"]


def test_the_edition_comes_from_the_files_lsoa_year_and_each_edition_keeps_its_own_rows(runner):
    runner.invoke(args=["geo", "import", "--sample"])
    result = runner.invoke(args=["geo", "import", "--deprivation",
                                 str(SAMPLE / "imd2025_file7_sample.csv")])
    assert result.exit_code == 0, result.output
    assert "IMD2025" in result.output
    assert service.latest_edition() == ("IMD2025", "2021")
    # IMD2025 is keyed on 2021 LSOAs, IMD2019 on 2011 ones: both still answer.
    assert service.decile_for_postcode("SW9 1AA") == 1
    assert service.decile_for_postcode("SW9 1AA", "IMD2019") == 1
    counts = dict(db.session.execute(sa.select(LsoaDeprivation.edition, sa.func.count())
                                     .group_by(LsoaDeprivation.edition)).all())
    assert counts == {"IMD2019": 16, "IMD2025": 16}


def test_importing_postcodes_again_replaces_them(app):
    service.import_postcodes(io.StringIO("pcds,lsoa21\nSW9 1AA,E01000001\nnot a postcode,x\n"))
    service.import_postcodes(io.StringIO("pcds,lsoa21\nSE5 2PP,E01000002\nSE5 2PP,E01000002\n"))
    assert db.session.scalars(sa.select(PostcodeLsoa.postcode)).all() == ["SE52PP"]


def test_a_file_of_the_wrong_shape_is_refused_with_a_clear_message(runner, tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,phone\nAna,0770\n")
    result = runner.invoke(args=["geo", "import", "--postcodes", str(wrong)])
    assert result.exit_code != 0 and "pcds" in result.output
    result = runner.invoke(args=["geo", "import", "--deprivation", str(wrong)])
    assert result.exit_code != 0 and "File 7" in result.output
    assert runner.invoke(args=["geo", "import"]).exit_code != 0


@pytest.mark.parametrize(("postcode", "district"), [
    ("SW9 7AA", "SW9"), ("se11 4eb", "SE11"), ("SW1A0AA", "SW1A"), ("nonsense", ""), ("", "")])
def test_exports_show_only_the_postcode_district(postcode, district):
    assert service.postcode_district(postcode) == district
