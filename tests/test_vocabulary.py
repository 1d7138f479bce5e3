"""The vocabulary (vocabulary/): each term's values defined once, worded in both languages, and the
same values the store and the import accept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from i18n import CATALOG
from vocabulary import areas, households, petitions, roles, visits

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ["analytics", "auth", "bench", "demo", "gis", "i18n", "ingest", "pages", "store", "ui"]

# a literal list of a term's values written anywhere but vocabulary/ is a second definition
SECOND_DEFINITIONS = {
    "levels": re.compile(r"""["']county["'],\s*["']township["'],\s*["']village["'],\s*["']grid["']"""),
    "roles": re.compile(r"""["']admin["'],\s*["']leader["'],\s*["']office["'],\s*["']grid_leader["']"""),
    "visit kinds": re.compile(r"""["']home["'],\s*["']phone["'],\s*["']meeting["'],\s*["']reception["']\s*[)\]]"""),
    "vulnerable tags": re.compile(r"""["']低保["'],\s*["']空巢老人["'],\s*["']留守儿童["']"""),
}


def _sources() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "manage.py"]
    for d in CODE_DIRS:
        files += sorted((ROOT / d).rglob("*.py"))
    return files


@pytest.mark.parametrize("term", sorted(SECOND_DEFINITIONS))
def test_each_term_is_defined_once(term):
    files = _sources()
    assert len(files) > 50
    pattern = SECOND_DEFINITIONS[term]
    found = [str(f.relative_to(ROOT)) for f in files if pattern.search(f.read_text(encoding="utf-8"))]
    assert found == [], f"{term} written out again in {found}: import them from vocabulary/"


def test_the_old_names_are_the_vocabulary():
    from analytics import grids, hotspots, reports
    from analytics import visits as V
    from auth import users
    from ingest import spec, tables
    from ui import common

    assert users.ROLES is roles.ROLES and users.COUNTY_WIDE_ROLES is roles.COUNTY_WIDE_ROLES
    assert spec.LEVELS is common.LEVELS is areas.LEVELS
    assert reports.VISIT_KINDS is visits.VISIT_KINDS
    assert V.VULNERABLE_TAGS is households.VULNERABLE_TAGS
    assert hotspots.ESCALATED_LEVELS is petitions.ESCALATED_LEVELS
    assert tables.IMPORT_ROLES is roles.IMPORT_ROLES and grids.REASSIGN_ROLES is roles.REASSIGN_ROLES


def test_every_value_is_worded_in_both_languages():
    for lang in ("zh", "en"):
        for role in roles.ROLES:
            assert CATALOG[lang].get(f"role.{role}"), (lang, role)
        for level in areas.LEVELS:
            assert CATALOG[lang].get(f"level.{level}"), (lang, level)
        for kind in visits.VISIT_KINDS:
            assert CATALOG[lang].get(f"kind.{kind}"), (lang, kind)


def test_the_import_accepts_exactly_the_visit_kinds():
    from ingest.spec import VISIT_KIND

    assert set(VISIT_KIND.values()) == set(visits.VISIT_KINDS)
    assert visits.HOME in visits.VISIT_KINDS


def test_role_subsets_are_roles():
    every = set(roles.ROLES)
    for subset in (
        roles.COUNTY_WIDE_ROLES,
        roles.OFFICE_ROLES,
        roles.IMPORT_ROLES,
        roles.BOUNDARY_ROLES,
        roles.REASSIGN_ROLES,
        roles.ADMIN_ROLES,
        roles.SURVEY_ROLES,
    ):
        assert subset and set(subset) <= every


def test_levels_order():
    assert [areas.child_level(lv) for lv in areas.LEVELS] == ["township", "village", "grid", None]
    assert [areas.parent_level(lv) for lv in areas.LEVELS] == [None, "county", "township", "village"]
    with pytest.raises(ValueError):
        areas.child_level("province")


def test_group_petition_threshold():
    assert petitions.GROUP_PETITION_PEOPLE == 5
    assert petitions.is_group(5) and not petitions.is_group(4)
