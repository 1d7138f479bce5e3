"""Words about a petition (信访): what makes it a group petition, and the levels it escalates to.

A group petition (集体访) is one brought by five or more people (《信访工作条例》 and the
"5人以上" of local practice); ``people`` is the petition's headcount.
"""

from __future__ import annotations

#: the least number of people that makes a petition a group petition (集体访)
GROUP_PETITION_PEOPLE: int = 5
#: the ``level_reached`` values of a petition that went over the county's head (越级)
ESCALATED_LEVELS: tuple[str, ...] = ("city", "province", "national")


def is_group(people: int | None) -> bool:
    """Whether a petition of ``people`` people is a group petition.

    Parameters
    ----------
    people : int or None
        The petition's headcount (None when the file did not say).

    Returns
    -------
    bool
        True from :data:`GROUP_PETITION_PEOPLE` people on.

    Examples
    --------
    >>> is_group(5), is_group(4), is_group(None)
    (True, False, False)
    """
    return people is not None and people >= GROUP_PETITION_PEOPLE
