"""Who is using the dashboard, and what they may do (issue 11).

Three ways in, decided per request:

* **Identity provider** (``st.login``): when Streamlit's ``[auth]`` secrets are configured.
  The person's role is that of their ``oidc`` account (``analysis.accounts``, matched by
  e-mail); without one they see nothing.
* **Local accounts**: when the accounts file beside the database holds any account. Sign in
  with name and password (argon2-checked); every page needs a signed-in account.
* **Single-user mode**: no accounts at all, and the server listens on this computer only
  (``server.address`` a loopback address, the default of ``.streamlit/config.toml``). The one
  local user may look at everything, and may change the data only while it holds nothing but
  the synthetic demonstration data: the moment real complaints are in, changing them needs an
  account. A server reachable from other computers without accounts shows nothing.

Pages call ``gate(lang)`` (every page) and ``require(action, lang)`` before showing or doing
anything an ``analysis.accounts.ACTIONS`` entry guards; the write itself takes
``Identity.actor()`` for the audit log.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from analysis import accounts
from analysis.audit import Actor
from analysis.i18n import t
from ui.text import plain

#: Addresses that only this computer can reach.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SESSION_KEY = "_cw_signed_in"
_FAILS_KEY = "_cw_sign_in_failures"
#: Failed sign-ins a session, an account name (from any session) may make before it must
#: wait ``LOCKOUT_SECONDS``; a client address may make ``MAX_FAILURES_PER_ADDRESS`` (several
#: people can share one address behind a proxy).
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
LOCKOUT_SECONDS = 60


@st.cache_resource
def _throttles() -> tuple[accounts.SignInThrottle, accounts.SignInThrottle]:
    """The server's (per account name, per client address) failure counters."""
    return (accounts.SignInThrottle(MAX_FAILURES, LOCKOUT_SECONDS),
            accounts.SignInThrottle(MAX_FAILURES_PER_ADDRESS, LOCKOUT_SECONDS))


@dataclass(frozen=True)
class Identity:
    """``name`` (account name, e-mail, or ``local``), ``role`` (``accounts.ROLES`` or
    ``single_user``) and ``mode`` (``oidc``, ``account``, ``single_user``)."""

    name: str
    role: str
    mode: str

    def actor(self) -> Actor:
        """Who to write in the audit log."""
        return Actor(self.name, self.role, "dashboard")


def _accounts_file():
    from ui.state import db_path
    return accounts.accounts_path(db_path())


def oidc_configured() -> bool:
    """True when Streamlit's ``[auth]`` secrets name an identity provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def server_is_local() -> bool:
    """True when the server listens on a loopback address only."""
    return (st.get_option("server.address") or "") in LOOPBACK


def real_data_loaded() -> bool:
    """True when the database holds any complaint of a source that is not the synthetic
    demonstration data (imports, intake)."""
    from ui.state import database, run_query
    fp, _ = database()
    if fp == "missing":
        return False
    sources = run_query("query_sources")
    real = sources[~sources["is_synthetic"].astype(bool)]
    return bool((real["complaint_count"].fillna(0) > 0).any())


def current() -> Identity | None:
    """The person using this session, or None when nobody is signed in (or may be)."""
    path = _accounts_file()
    if oidc_configured():
        if not getattr(st.user, "is_logged_in", False):
            return None
        email = getattr(st.user, "email", None)
        role = accounts.role_of_oidc(path, email)
        return Identity(email, role, "oidc") if role else None
    try:
        known = accounts.load_accounts(path)
    except accounts.AccountError:
        return None  # an unreadable accounts file opens nothing
    if known:
        name = st.session_state.get(SESSION_KEY)
        acc = known.get(name) if name else None
        if acc is None or acc.disabled or acc.oidc:  # removed or disabled since signing in
            st.session_state.pop(SESSION_KEY, None)
            return None
        return Identity(acc.name, acc.role, "account")
    if server_is_local():
        return Identity("local", "single_user", "single_user")
    return None


def can(who: Identity | None, action: str) -> bool:
    """True when ``who`` may do ``action`` now (``accounts.ACTIONS``; single-user mode:
    viewing, and changes while only demonstration data is loaded)."""
    if who is None:
        return False
    if who.mode == "single_user":
        return accounts.ACTIONS[action] == "viewer" or not real_data_loaded()
    return accounts.allowed(who.role, action)


def _why_not(who: Identity | None, action: str, lang: str) -> str:
    if who is None:
        return t("auth_sign_in_first", lang)
    if who.mode == "single_user":
        return t("auth_real_data", lang)
    return t("auth_role_cannot", lang, role=t(f"role_{who.role}", lang), need=t(f"role_{accounts.ACTIONS[action]}", lang))


def sign_in_box(lang: str, where=None) -> None:
    """The sidebar's account box: who is signed in (and sign out), the sign-in form, or the
    single-user mode note."""
    box = where if where is not None else st.sidebar
    who = current()
    with box.container(key="account"):
        if oidc_configured():
            if who is None and getattr(st.user, "is_logged_in", False):
                st.caption(t("auth_no_role", lang, name=plain(getattr(st.user, "email", ""))))
            if getattr(st.user, "is_logged_in", False):
                if who:
                    st.caption(t("auth_signed_in", lang, name=plain(who.name), role=t(f"role_{who.role}", lang)))
                st.button(t("auth_sign_out", lang), on_click=st.logout, key="auth_logout")
            else:
                st.button(t("auth_sign_in_idp", lang), on_click=st.login, key="auth_login", type="primary")
            return
        if who is not None and who.mode == "account":
            st.caption(t("auth_signed_in", lang, name=plain(who.name), role=t(f"role_{who.role}", lang)))
            if st.button(t("auth_sign_out", lang), key="auth_sign_out"):
                st.session_state.pop(SESSION_KEY, None)
                st.rerun()
            return
        if who is not None and who.mode == "single_user":
            st.caption(t("auth_single_user", lang))
            return
        _password_form(lang)


def _password_form(lang: str) -> None:
    fails = st.session_state.get(_FAILS_KEY, [])
    recent = [f for f in fails if time.time() - f < LOCKOUT_SECONDS]
    with st.form("sign_in", border=True):
        st.markdown(f"**{t('auth_sign_in', lang)}**")
        name = st.text_input(t("auth_name", lang), key="auth_name")
        password = st.text_input(t("auth_password", lang), type="password", key="auth_password")
        pressed = st.form_submit_button(t("auth_sign_in", lang), type="primary")
    if not pressed:
        return
    by_name, by_address = _throttles()
    name_key, address_key = [f"name:{name.strip().casefold()}"], [f"ip:{st.context.ip_address or '?'}"]
    now = time.monotonic()
    if len(recent) >= MAX_FAILURES or not by_name.attempt(name_key, now):
        st.error(t("auth_wait", lang, s=LOCKOUT_SECONDS))
        return
    if not by_address.attempt(address_key, now):
        by_name.succeeded(name_key, now)  # not tried, so not a failure of that name
        st.error(t("auth_wait", lang, s=LOCKOUT_SECONDS))
        return
    acc = accounts.verify(_accounts_file(), name.strip(), password)
    if acc is None:  # the attempt stays counted as a failure
        st.session_state[_FAILS_KEY] = recent + [time.time()]
        st.error(t("auth_wrong", lang))
        return
    by_name.succeeded(name_key, now)
    by_address.succeeded(address_key, now)
    st.session_state[SESSION_KEY] = acc.name
    st.session_state.pop(_FAILS_KEY, None)
    st.rerun()


def gate(lang: str) -> Identity:
    """Every page: the identity, or (nobody may see the dashboard here yet) the sign-in box
    and why, then stop the page."""
    who = current()
    sign_in_box(lang)
    if who is not None:
        return who
    if not oidc_configured() and not server_is_local():
        try:
            none_yet = not accounts.load_accounts(_accounts_file())
        except accounts.AccountError:
            none_yet = False
        if none_yet:
            st.error(t("auth_exposed", lang))
            st.stop()
    st.info(t("auth_sign_in_first", lang))
    st.stop()


def require(action: str, lang: str) -> Identity:
    """``gate`` (draws the account box), then ``check``: the identity when it may do
    ``action``; otherwise say why (in ``lang``) and stop. Once per page run."""
    gate(lang)
    return check(action, lang)


def check(action: str, lang: str) -> Identity:
    """Right before a change, on a page that already drew the account box: the identity
    (read again, so an account disabled meanwhile is refused) when it may do ``action``;
    otherwise say why and stop."""
    who = current()
    if not can(who, action):
        st.error(_why_not(who, action, lang), icon=":material/lock:")
        st.stop()
    return who
