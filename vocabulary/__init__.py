"""The project's vocabulary: each domain term's values defined once, in a module named after it.

- :mod:`vocabulary.areas` — the administrative levels (县 → 乡镇 → 村 → 网格) and their order.
- :mod:`vocabulary.roles` — the account roles and which of them see or do what.
- :mod:`vocabulary.visits` — the kinds of visit (入户, 电话, 院坝会, 接访) and the one that counts.
- :mod:`vocabulary.households` — the tags that mark a vulnerable household (困难群体).
- :mod:`vocabulary.petitions` — a group petition (集体访) and the levels a petition escalates to.

This package imports nothing of the project (the store, ingest, analytics, auth, the pages and
manage.py all import it). Thresholds an administrator may change are rules (the ``rules`` table,
:func:`store.db.rule`), not vocabulary. The words shown for each value are in the i18n catalog
(``level.*``, ``role.*``, ``kind.*``).
"""
