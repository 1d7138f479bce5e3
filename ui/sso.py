"""Optional single sign-on through Streamlit's built-in OIDC (``st.login`` / ``st.user``).

It is on only when ``.streamlit/secrets.toml`` has an ``[auth]`` section, e.g.::

    [auth]
    redirect_uri = "https://grid.example.gov.cn/oauth2callback"
    cookie_secret = "a long random string"
    client_id = "lianxin"
    client_secret = "…"
    server_metadata_url = "https://sso.example.gov.cn/.well-known/openid-configuration"

(or the provider settings in a subsection ``[auth.unit]``). The identity provider says *who*
someone is; *what they may see* stays local: the e-mail address from ``st.user.email`` must be
the name of an active local account (``manage.py users add someone@example.gov.cn --role office
--areas …``), whose role and areas apply. Unknown addresses are refused with a sentence.
Every sign-on is audited (``login`` with detail ``sso``; refusals as ``login_failed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import streamlit as st

from auth import audit
from auth.users import AuthError, User, get_user

#: the keys an OIDC provider block needs (Streamlit's own requirement)
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


class SSORefused(AuthError):
    """A single sign-on that may not enter, raised with its catalog key (``admin_page.sso.error.*``).

    ``str(e)`` is the sentence saying what to do (``中文 / English``); ``e.text(lang)`` words it in the
    page's language.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key=key, **params)

    def __reduce__(self) -> tuple:
        return _sso_refused, (self.key, self.params)


def _sso_refused(key: str, params: dict[str, Any]) -> SSORefused:
    return SSORefused(key, **params)


def _secrets() -> Mapping[str, Any] | None:
    """``st.secrets``, or None when there is no (readable) secrets file. Never raises, never draws.

    Returns
    -------
    Mapping or None
        The app's secrets; None without a readable ``.streamlit/secrets.toml``.
    """
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        return st.secrets
    except Exception:  # a broken secrets file must not break the login page
        return None


def _provider(auth: Mapping[str, Any]) -> str | None:
    """The OIDC provider configured in an ``[auth]`` section.

    Parameters
    ----------
    auth : Mapping
        The ``[auth]`` section of the secrets.

    Returns
    -------
    str or None
        ``""`` for a provider configured directly in ``[auth]``, its name for ``[auth.NAME]``, None
        when no provider has all of ``client_id``, ``client_secret`` and ``server_metadata_url``.
    """
    if all(auth.get(k) for k in _PROVIDER_KEYS):
        return ""
    for name, sub in auth.items():
        if isinstance(sub, Mapping) and all(sub.get(k) for k in _PROVIDER_KEYS):
            return str(name)
    return None


def _auth_section() -> Mapping[str, Any] | None:
    s = _secrets()
    if s is None:
        return None
    try:
        auth = s["auth"] if "auth" in s else None
    except Exception:
        return None
    return auth if isinstance(auth, Mapping) else None


def sso_configured() -> bool:
    """Whether single sign-on is set up.

    Returns
    -------
    bool
        True for an ``[auth]`` section with ``redirect_uri``, ``cookie_secret`` and one complete
        provider; False otherwise, also when there is no (readable) secrets file.

    Examples
    --------
    >>> isinstance(sso_configured(), bool)
    True
    """
    auth = _auth_section()
    if not auth:
        return False
    try:
        return bool(auth.get("redirect_uri") and auth.get("cookie_secret")) and _provider(auth) is not None
    except Exception:
        return False


def provider_name() -> str | None:
    """The provider to pass to ``st.login``.

    Returns
    -------
    str or None
        The name of ``[auth.NAME]``; None for the one in ``[auth]`` itself, or when none is configured.
    """
    auth = _auth_section()
    p = _provider(auth) if auth else None
    return p or None


def _identity() -> Mapping[str, Any] | None:
    """The identity-provider claims of this browser session.

    Returns
    -------
    Mapping or None
        ``st.user`` as a dict; None when not signed on (or outside a browser session).
    """
    try:
        info = st.user
        if not info.get("is_logged_in"):
            return None
        return info.to_dict() if hasattr(info, "to_dict") else dict(info)
    except Exception:
        return None


def sso_user(con: duckdb.DuckDBPyConnection, claims: Mapping[str, Any] | None = None) -> User | None:
    """The local account of the person signed on through the identity provider.

    Parameters
    ----------
    con : the database.
    claims : the identity claims (default: ``st.user``); given in tests.

    Returns
    -------
    User, or None when nobody is signed on through the provider.

    Raises
    ------
    SSORefused
        no e-mail in the claims, an unverified e-mail, no local account named by that e-mail,
        or a disabled account — each with a sentence saying what to do.
    """
    claims = _identity() if claims is None else claims
    if not claims or claims.get("is_logged_in") is False:
        return None
    email = str(claims.get("email") or "").strip()
    if not email:
        audit.record(con, "?", "login_failed", detail=audit.detail_line("sso_no_email"))
        raise SSORefused("admin_page.sso.error.no_email")
    if claims.get("email_verified") is False:
        audit.record(con, email, "login_failed", detail=audit.detail_line("sso_unverified"))
        raise SSORefused("admin_page.sso.error.unverified", email=email)
    user = get_user(con, email) or (get_user(con, email.lower()) if email.lower() != email else None)
    if user is None:
        audit.record(con, email, "login_failed", detail=audit.detail_line("sso_no_account"))
        raise SSORefused("admin_page.sso.error.no_account", email=email)
    if user.disabled:
        audit.record(con, user.name, "login_failed", detail=audit.detail_line("sso_disabled"))
        raise SSORefused("admin_page.sso.error.disabled", name=user.name)
    audit.record(con, user.name, "login", detail=audit.detail_line("sso"))
    return user


def login_section(con: duckdb.DuckDBPyConnection) -> User | None:
    """The login page's single sign-on: the "使用单位账号登录" button, or the account it signed on.

    Draws nothing when SSO is not configured. A refusal is shown as a sentence, with a way to sign
    out of the provider.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database (its accounts and audit log).

    Returns
    -------
    User or None
        The local account once the provider has signed the person on (see :func:`sso_user`); None when
        SSO is not configured, nobody is signed on yet (the button is drawn) or the sign-on was refused.
    """
    if not sso_configured():
        return None
    from ui.common import lang, t

    try:
        u = sso_user(con)
    except AuthError as e:
        st.error(e.text(lang()))
        st.button(t("admin_page.sso.logout"), key="sso_logout", on_click=st.logout)
        return None
    if u is not None:
        return u
    st.divider()
    provider = provider_name()
    st.button(
        t("admin_page.sso.login"),
        key="sso_login",
        icon=":material/badge:",
        on_click=st.login,
        args=(provider,) if provider else (),
    )
    return None


def logout() -> None:
    """Sign out of the provider too (call on 退出登录); nothing when SSO is off or not used."""
    if sso_configured() and _identity() is not None:
        st.logout()


__all__ = ["SSORefused", "login_section", "logout", "provider_name", "sso_configured", "sso_user"]
