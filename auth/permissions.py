"""What each role may do on the command line (``manage.py --as USER``), in one table.

``--as USER`` carries that user's role and scope into every command: reports are filtered to the
user's areas and masked as the app masks them (auth/masking.py), and commands the role may not
run are refused with one sentence. Without ``--as`` the command line is the local administrator.
README.md ("The command line by role") shows the same table.
"""

from __future__ import annotations

from i18n.message import Message
from vocabulary.roles import ADMIN_ROLES

from .users import ROLES, AuthError, User

ADMIN_ONLY: frozenset[str] = frozenset(ADMIN_ROLES)
EVERY_ROLE: frozenset[str] = frozenset(ROLES)

#: command → the roles that may run it. Which roles may import what, and which rows of an import a
#: scoped user may write, is the import's own rule (ingest.tables.check_may_import: boundaries by an
#: administrator, tables by an administrator or an office), so ``import`` is open here.
COMMAND_ROLES: dict[str, frozenset[str]] = {
    "init": ADMIN_ONLY,
    "demo": ADMIN_ONLY,
    "bench": ADMIN_ONLY,
    "users": ADMIN_ONLY,
    "report": EVERY_ROLE,
    "import": EVERY_ROLE,
}


def may_run(user: User | None, command: str) -> bool:
    """Whether ``user`` (``None``: the local administrator) may run ``manage.py COMMAND``.

    Parameters
    ----------
    user : User or None
        Who runs it (``--as``); None: the local administrator.
    command : str
        The manage.py command (``report``, ``users``, …); one not listed is for admins only.

    Returns
    -------
    bool

    Examples
    --------
    >>> may_run(User("gl", "grid_leader", ["G1"]), "users"), may_run(User("gl", "grid_leader", ["G1"]), "report")
    (False, True)
    >>> may_run(None, "demo")
    True
    """
    if user is None:
        return True
    return user.role in COMMAND_ROLES.get(command, ADMIN_ONLY)


def require_command(user: User | None, command: str) -> None:
    """Refuse ``command`` for a user whose role may not run it.

    Raises
    ------
    AuthError
        a sentence naming the user, the role and who may run it.
    """
    if may_run(user, command):
        return
    allowed = "、".join(sorted(COMMAND_ROLES.get(command, ADMIN_ONLY)))
    raise AuthError(
        key="permission.command",
        name=user.name,
        role_name=Message(f"role.{user.role}"),
        command=command,
        roles=allowed,
    )
