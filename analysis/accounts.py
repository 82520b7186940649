"""Who may change the evidence: local accounts, roles and what each role may do.

Roles (``ROLES``, lowest first): **viewer** (reads every page and exports), **editor** (also
imports, intake, relabel, saved import profiles, deletions, the audit log) and **admin**
(also manages accounts). What each action needs is ``ACTIONS``, the one table the pages and
the command line ask through ``allowed``.

Accounts live in a small JSON file beside the database (``<database>.accounts.json``, or
``$COLLECTION_WATCH_ACCOUNTS``), mode 0600, written atomically under a lock, never in the
repository. Passwords are stored only as argon2id hashes made by ``argon2-cffi`` (its
default parameters, RFC 9106's second recommended option); checking a password for an
unknown name still runs one hash, so the time taken does not tell which names exist. An
account with ``oidc = true`` has no password: it is the role of a person who signs in with
the identity provider configured for Streamlit's ``st.login`` (matched by e-mail).

Command line (each change is also written to the database's audit log)::

    python -m analysis.accounts add NAME --role editor      # asks for the password twice
    python -m analysis.accounts add someone@example.org --role viewer --oidc
    python -m analysis.accounts role NAME admin | passwd NAME | disable NAME | remove NAME | list
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("viewer", "editor", "admin")
#: Action → the lowest role allowed to do it.
ACTIONS: dict[str, str] = {
    "view": "viewer", "export": "viewer",
    "import": "editor", "intake": "editor", "relabel": "editor", "review": "editor", "save_profile": "editor",
    "save_view": "editor", "delete": "editor", "audit": "editor",
    "accounts": "admin", "train_model": "admin",
}
ENV_VAR = "COLLECTION_WATCH_ACCOUNTS"
#: Shortest password accepted (characters). NIST SP 800-63B asks for at least 8; staff
#: accounts that can change published evidence get a little more.
MIN_PASSWORD = 10
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{1,63}$")

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a password of anyone: equalises the time of unknown names")


class AccountError(ValueError):
    """A refused account change; ``str(err)`` says why and what to do."""


@dataclass(frozen=True)
class Account:
    """``name`` (log-in name or, for ``oidc`` accounts, the e-mail address), ``role`` (one of
    ``ROLES``), ``password_hash`` (argon2id; empty for ``oidc``), ``created_at`` and
    ``changed_at`` (ISO 8601, UTC), ``disabled`` (cannot sign in) and ``oidc``."""

    name: str
    role: str
    password_hash: str = ""
    created_at: str = ""
    changed_at: str = ""
    disabled: bool = False
    oidc: bool = False


def allowed(role: str | None, action: str) -> bool:
    """True when ``role`` may do ``action`` (``ACTIONS``). Unknown roles may do nothing;
    an unknown action raises ``KeyError`` (a typo must not open a door)."""
    need = ACTIONS[action]
    return role in ROLES and ROLES.index(role) >= ROLES.index(need)


def accounts_path(db_path: str | Path) -> Path:
    """The accounts file of the database at ``db_path`` (``$COLLECTION_WATCH_ACCOUNTS`` wins)."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else Path(str(db_path) + ".accounts.json")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load_accounts(path: Path) -> dict[str, Account]:
    """``{name: Account}`` from the accounts file (empty when there is none). Raises
    ``AccountError`` for a file that is not an accounts file."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise AccountError(f"{Path(path).name} is not a readable accounts file ({err})") from err
    try:
        return {a["name"]: Account(**a) for a in raw.get("accounts", [])}
    except (TypeError, KeyError, AttributeError) as err:
        raise AccountError(f"{Path(path).name} is not an accounts file ({err})") from err


def _save(path: Path, accounts: dict[str, Account]) -> None:
    body = json.dumps({"accounts": [asdict(a) for a in sorted(accounts.values(), key=lambda a: a.name)]},
                      ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent, prefix=".accounts-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: at least {MIN_PASSWORD} characters")


def _change(path: Path, fn) -> Account:
    with _locked(path):
        accounts = load_accounts(path)
        account = fn(accounts)
        accounts[account.name] = account
        if not any(a.role == "admin" and not a.disabled for a in accounts.values()):
            if len(accounts) == 1:
                raise AccountError("the first account must be an admin (--role admin): someone has to manage accounts")
            raise AccountError("this would leave no admin who can manage accounts; make another admin first")
        _save(path, accounts)
        return account


def add_account(path: Path, name: str, role: str, password: str | None = None, *, oidc: bool = False) -> Account:
    """Create account ``name`` with ``role``; ``password`` is required unless ``oidc`` (then
    ``name`` is the e-mail address). The first account of a file must be an admin. Raises
    ``AccountError`` for a bad name, role or password, a name already taken (ignoring case),
    or a first account that is not an admin."""
    if not NAME_RE.match(name or ""):
        raise AccountError("a name is 2–64 letters, digits or . _ @ + - (starting with a letter or digit)")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if oidc and "@" not in name:
        raise AccountError("an account that signs in with the identity provider is named by its e-mail address")
    if not oidc:
        _check_password(password or "")

    def make(accounts: dict[str, Account]) -> Account:
        same = _find(accounts, name)
        if same is not None:  # "BOSS" beside "boss" would be two people to the eye of no one
            raise AccountError(f"an account named {same.name!r} exists already (names are compared ignoring case)")
        now = _now()
        return Account(name, role, "" if oidc else _HASHER.hash(password), now, now, False, oidc)
    return _change(Path(path), make)


def _find(accounts: dict[str, Account], name: str | None) -> Account | None:
    """The account called ``name`` ignoring case (names are unique ignoring case), else None."""
    key = (name or "").casefold()
    return next((a for n, a in accounts.items() if key and n.casefold() == key), None)


def _existing(accounts: dict[str, Account], name: str) -> Account:
    account = _find(accounts, name)
    if account is None:
        raise AccountError(f"no account named {name!r}")
    return account


def set_role(path: Path, name: str, role: str) -> Account:
    """Give account ``name`` the role ``role``. Raises ``AccountError`` (unknown name or role,
    the last admin)."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return _change(Path(path), lambda acc: replace(_existing(acc, name), role=role, changed_at=_now()))


def set_password(path: Path, name: str, password: str) -> Account:
    """Replace account ``name``'s password. Raises ``AccountError``."""
    _check_password(password)
    return _change(Path(path), lambda acc: replace(_existing(acc, name), password_hash=_HASHER.hash(password),
                                                  changed_at=_now()))


def set_disabled(path: Path, name: str, disabled: bool = True) -> Account:
    """Stop (or allow again) account ``name`` from signing in. Raises ``AccountError``."""
    return _change(Path(path), lambda acc: replace(_existing(acc, name), disabled=disabled, changed_at=_now()))


def remove_account(path: Path, name: str) -> Account:
    """Delete account ``name``; returns it. Raises ``AccountError`` (unknown, the last admin)."""
    path = Path(path)
    with _locked(path):
        accounts = load_accounts(path)
        gone = accounts.pop(_existing(accounts, name).name)
        if accounts and not any(a.role == "admin" and not a.disabled for a in accounts.values()):
            raise AccountError("this would leave no admin who can manage accounts; make another admin first")
        _save(path, accounts)
        return gone


def verify(path: Path, name: str, password: str) -> Account | None:
    """The account when ``name`` (compared ignoring case, as names are unique that way) and
    ``password`` match an enabled password account, else None. Always runs one argon2
    verification (also for unknown names)."""
    account = _find(load_accounts(Path(path)), name)
    usable = account is not None and not account.disabled and not account.oidc and account.password_hash
    try:
        _HASHER.verify(account.password_hash if usable else _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return account if usable else None


class SignInThrottle:
    """Failed sign-ins counted across every session of one server: a key (an account name, a
    client address) with ``limit`` failures in the last ``window`` seconds is refused until
    the oldest leaves the window. Opening a new browser session does not reset it.
    Thread-safe (Streamlit runs sessions in threads). Times are ``time.monotonic()`` seconds."""

    def __init__(self, limit: int, window: float):
        import threading
        self.limit, self.window = limit, window
        self._fails: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._fails.get(key, []) if now - t < self.window]
        if kept:
            self._fails[key] = kept
        else:
            self._fails.pop(key, None)
        return kept

    def attempt(self, keys: list[str], now: float) -> bool:
        """Before checking a password: False when any of ``keys`` is blocked; otherwise count
        the attempt as a failure right away (in one step, so parallel attempts cannot all pass
        the check before any is counted) and return True. ``succeeded`` takes it back."""
        with self._lock:
            if any(len(self._recent(k, now)) >= self.limit for k in keys):
                return False
            for k in keys:
                self._fails.setdefault(k, []).append(now)
            return True

    def succeeded(self, keys: list[str], now: float) -> None:
        """The attempt counted at ``now`` by ``attempt`` was a right password: take it back."""
        with self._lock:
            for k in keys:
                if now in self._fails.get(k, []):
                    self._fails[k].remove(now)


def role_of_oidc(path: Path, email: str | None) -> str | None:
    """The role of the person signed in with the identity provider as ``email``: their
    enabled ``oidc`` account's role, else None (no access)."""
    accounts = load_accounts(Path(path))
    # e-mail addresses are compared ignoring case (providers differ in what case they send)
    account = _find(accounts, email)
    return account.role if account is not None and account.oidc and not account.disabled else None


# ---- command line ---------------------------------------------------------------------------

def _audited(db_path: Path, label: str, change) -> tuple[Account, str, dict]:
    """Run ``change()`` (an accounts-file change returning ``(account, action, detail)``)
    inside a write transaction of the database and write its audit row there: a database
    that cannot be written (damaged, missing directory) stops the change before the accounts
    file is touched, and a refused change writes no audit row. The default database gets its
    demonstration data first, as every command does."""
    from analysis import audit, db
    if db.is_default_db(db_path):
        from analysis.demo import ensure_demo_database
        ensure_demo_database(db_path)
    with db.write_transaction(db_path, label) as con:
        from analysis.ingest.common import upgrade_schema
        upgrade_schema(con)
        acc, action, detail = change()
        audit.record(con, audit.Actor.command_line(), action, target=acc.name, detail=detail)
    return acc, action, detail


def _read_password(from_stdin: bool) -> str:
    import getpass
    import sys
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    except EOFError:  # no terminal and nothing on standard input
        raise AccountError("no password was typed (no terminal): give it on standard input with "
                           "--password-stdin") from None
    if again != first:
        raise AccountError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.accounts {add,role,passwd,disable,enable,remove,list}``; returns the
    exit code (0 done, 2 refused with the reason on stderr)."""
    import argparse
    import sys

    from analysis import db
    p = argparse.ArgumentParser(prog="python -m analysis.accounts", description="Manage dashboard accounts.")
    p.add_argument("--db", help="the database whose accounts these are (default: as the dashboard)")
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add", help="create an account")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--oidc", action="store_true", help="signs in with the identity provider (name = e-mail)")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    r = sub.add_parser("role", help="change an account's role")
    r.add_argument("name")
    r.add_argument("role", choices=ROLES)
    pw = sub.add_parser("passwd", help="set a new password")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    for cmd in ("disable", "enable", "remove"):
        sub.add_parser(cmd, help=f"{cmd} an account").add_argument("name")
    sub.add_parser("list", help="list the accounts (no passwords)")
    args = p.parse_args(argv)
    db_path = db.resolve_db_path(args.db)
    if not db.is_default_db(db_path) and not db_path.parent.is_dir():  # a mistyped --db: no new directory
        print(f"error: {db_path.parent}: no such directory (is the --db path right?)", file=sys.stderr)
        return 2
    path = accounts_path(db_path)
    try:
        if args.cmd == "list":
            for acc in load_accounts(path).values():
                state = "disabled" if acc.disabled else "enabled"
                kind = "oidc" if acc.oidc else "password"
                print("\t".join([acc.name, acc.role, kind, state, f"changed {acc.changed_at}"]))
            return 0
        if args.cmd == "add":
            pw_text = None if args.oidc else _read_password(args.password_stdin)

            def change():
                acc = add_account(path, args.name, args.role, pw_text, oidc=args.oidc)
                return acc, "account_add", {"role": acc.role, "oidc": acc.oidc}
        elif args.cmd == "role":
            def change():
                acc = set_role(path, args.name, args.role)
                return acc, "account_role", {"role": acc.role}
        elif args.cmd == "passwd":
            pw_text = _read_password(args.password_stdin)

            def change():
                return set_password(path, args.name, pw_text), "account_password", {}
        elif args.cmd in ("disable", "enable"):
            def change():
                acc = set_disabled(path, args.name, args.cmd == "disable")
                return acc, "account_disable", {"disabled": acc.disabled}
        else:
            def change():
                acc = remove_account(path, args.name)
                return acc, "account_remove", {"role": acc.role}
        acc, _, _ = _audited(db_path, f"{args.cmd} {args.name}", change)
    except AccountError as err:
        print(f"refused: {err}", file=sys.stderr)
        return 2
    except db.DatabaseUnreadable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.cmd}: {acc.name} ({acc.role}) — accounts file {path.name}, audit log in {db_path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
