"""The roles of an account (CONTRACT.md §5), and which roles see or do what beyond their areas.

The words shown for a role are the catalog's ``role.*`` keys; the permissions of the command line
are in :mod:`auth.permissions`, the scope of each account (its areas) in :mod:`auth.scope`.
"""

from __future__ import annotations

#: every account role, most powerful first
ROLES: tuple[str, ...] = ("admin", "leader", "office", "grid_leader", "member")
#: roles that may have an empty area list, meaning the whole county
COUNTY_WIDE_ROLES: frozenset[str] = frozenset({"admin", "leader"})
#: roles that look after many grids: the hotspot page, the weekly page's ranking of the township
OFFICE_ROLES: tuple[str, ...] = ("admin", "leader", "office")
#: roles that may import tables (households, staff, visits, petitions) in their areas
IMPORT_ROLES: tuple[str, ...] = ("admin", "office")
#: roles that may import boundaries (they redraw every area, so the whole county)
BOUNDARY_ROLES: tuple[str, ...] = ("admin",)
#: roles that may move a grid's households or staff to another grid
REASSIGN_ROLES: tuple[str, ...] = ("admin", "office")
#: roles that see the county's opinion survey (民意调查) page
SURVEY_ROLES: tuple[str, ...] = ("admin", "leader")
#: roles that may administer accounts, rules and the 放假安排
ADMIN_ROLES: tuple[str, ...] = ("admin",)
#: the page each role opens on after signing in (app.py), where it is not the overview: a grid
#: leader's question is this week's quota
HOME_PAGE: dict[str, str] = {"grid_leader": "pages/weekly.py", "member": "pages/weekly.py"}
#: the page every other role opens on
DEFAULT_HOME_PAGE = "pages/overview.py"
