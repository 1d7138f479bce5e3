"""The administrative levels of a county, top down: 县 (county) → 乡镇 (township) → 村 (village) → 网格 (grid).

The same words are the ``areas.level`` values in the store (CONTRACT.md §2).
"""

from __future__ import annotations

#: the levels, top down; an area's parent is one level up
LEVELS: tuple[str, ...] = ("county", "township", "village", "grid")


def parent_level(level: str) -> str | None:
    """The level above ``level`` (None for the county).

    Parameters
    ----------
    level : str
        One of :data:`LEVELS`.

    Returns
    -------
    str or None
        The parent level; None above the county.

    Raises
    ------
    ValueError
        When ``level`` is not one of :data:`LEVELS`.

    Examples
    --------
    >>> parent_level("village"), parent_level("county")
    ('township', None)
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
    i = LEVELS.index(level)
    return LEVELS[i - 1] if i > 0 else None


def child_level(level: str) -> str | None:
    """The level below ``level`` (None below a grid).

    Parameters
    ----------
    level : str
        One of :data:`LEVELS`.

    Returns
    -------
    str or None
        The child level; None below a grid.

    Raises
    ------
    ValueError
        When ``level`` is not one of :data:`LEVELS`.

    Examples
    --------
    >>> child_level("county"), child_level("grid")
    ('township', None)
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
    i = LEVELS.index(level)
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None
