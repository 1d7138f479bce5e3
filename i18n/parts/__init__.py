"""Catalog parts, one module per page or area, each with ``ENTRIES = {key: (zh, en)}``.

Every module here is merged into the catalog; a key defined twice is an error at import.
"""
