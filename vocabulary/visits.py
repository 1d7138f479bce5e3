"""The kinds of visit a grid worker records (CONTRACT.md §1, ``visits.kind``).

Only a home visit (入户走访) counts for coverage and the weekly quota by default; the others are
recorded and shown apart. The words shown are the catalog's ``kind.*`` keys; the words a file may
use are :data:`ingest.spec.VISIT_KIND`.
"""

from __future__ import annotations

#: every kind of visit: 入户 (home), 电话 (phone), 院坝会 (meeting), 接访 (reception)
VISIT_KINDS: tuple[str, ...] = ("home", "phone", "meeting", "reception")
#: the kind that counts for coverage and the weekly quota
HOME: str = "home"
