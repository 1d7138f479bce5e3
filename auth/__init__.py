"""Users, roles scoped to areas, password hashing, login throttling, the audit log and masking of personal data."""
from .audit import ACTIONS, RuleError, record, search, set_rule, validate_rule
from .masking import can_see_personal, mask_address, mask_frame, mask_name, mask_phone
from .scope import in_scope, scope_codes, visible_areas
from .users import (DEMO_PASSWORD, ROLES, AuthError, LoginRefused, User, add_user, authenticate,
                    create_demo_accounts, disable_user, enable_user, get_user, has_demo_accounts,
                    list_users, login, read_password, require_user, session_valid, set_password,
                    unlock_user, users_command)

__all__ = [
    "ACTIONS", "RuleError", "record", "search", "set_rule", "validate_rule",
    "can_see_personal", "in_scope", "mask_address", "mask_frame", "mask_name", "mask_phone", "scope_codes",
    "visible_areas",
    "DEMO_PASSWORD", "ROLES", "AuthError", "LoginRefused", "User", "add_user", "authenticate",
    "create_demo_accounts", "disable_user", "enable_user", "get_user", "has_demo_accounts",
    "list_users", "login", "read_password", "require_user", "session_valid", "set_password",
    "unlock_user", "users_command",
]
