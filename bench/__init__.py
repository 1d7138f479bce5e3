"""``manage.py bench``: generate a scale's data set and time the core operations (issue 10).

Modules: :mod:`bench.data` (the data sets), :mod:`bench.pandas_impl` (the in-memory baseline),
:mod:`bench.postgis` (a throwaway PostgreSQL/PostGIS cluster), :mod:`bench.run` (timing, report).
"""
