"""Accounts, roles and the audit log (issue 11)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import duckdb
import pytest

from analysis import accounts
from analysis.accounts import AccountError, add_account, allowed, verify
from tests.helpers import REPO


@pytest.fixture
def path(tmp_path):
    return tmp_path / "cw.duckdb.accounts.json"


def test_roles_and_actions():
    assert [a for a in accounts.ACTIONS if allowed("viewer", a)] == ["view", "export"]
    assert allowed("editor", "import") and allowed("editor", "delete") and not allowed("editor", "accounts")
    assert all(allowed("admin", a) for a in accounts.ACTIONS)
    assert not allowed(None, "view") and not allowed("root", "view") and not allowed("single_user", "import")
    with pytest.raises(KeyError):
        allowed("admin", "imprt")  # a typo refuses, never opens


def test_passwords_are_argon2_hashes_in_a_private_file(path):
    add_account(path, "amira", "admin", "correct horse battery")
    raw = path.read_text()
    assert "correct horse" not in raw
    [entry] = json.loads(raw)["accounts"]
    assert entry["password_hash"].startswith("$argon2id$")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert verify(path, "amira", "correct horse battery").role == "admin"
    assert verify(path, "amira", "correct horse batterY") is None
    assert verify(path, "nobody", "correct horse battery") is None


def test_unknown_names_cost_a_hash_too(path):
    add_account(path, "amira", "admin", "correct horse battery")
    def timed(name):
        start = time.perf_counter()
        for _ in range(5):
            verify(path, name, "wrong password here")
        return time.perf_counter() - start
    known, unknown = timed("amira"), timed("nobody")
    assert unknown > 0.3 * known  # both run argon2 (an early return would be ~1000x faster)


def test_account_rules(path):
    with pytest.raises(AccountError, match="first account must be an admin"):
        add_account(path, "ed", "editor", "long enough password")
    add_account(path, "amira", "admin", "correct horse battery")
    with pytest.raises(AccountError, match="too short"):
        add_account(path, "ed", "editor", "short")
    with pytest.raises(AccountError, match="a name is"):
        add_account(path, "../etc", "editor", "long enough password")
    with pytest.raises(AccountError, match="unknown role"):
        add_account(path, "ed", "owner", "long enough password")
    add_account(path, "ed", "editor", "long enough password")
    with pytest.raises(AccountError, match="exists already"):
        add_account(path, "ed", "viewer", "long enough password")
    with pytest.raises(AccountError, match="no admin"):
        accounts.set_role(path, "amira", "viewer")
    with pytest.raises(AccountError, match="no admin"):
        accounts.remove_account(path, "amira")
    accounts.set_disabled(path, "ed")
    assert verify(path, "ed", "long enough password") is None
    accounts.set_disabled(path, "ed", False)
    accounts.set_password(path, "ed", "another long password")
    assert verify(path, "ed", "long enough password") is None and verify(path, "ed", "another long password")
    add_account(path, "someone@example.org", "viewer", oidc=True)
    assert accounts.role_of_oidc(path, "someone@example.org") == "viewer"
    assert accounts.role_of_oidc(path, "ed") is None and accounts.role_of_oidc(path, None) is None
    assert verify(path, "someone@example.org", "") is None  # no password sign-in for identity-provider accounts
    # names are one person whatever their case; an identity-provider account is an e-mail
    with pytest.raises(AccountError, match="an account named 'ed' exists already"):
        add_account(path, "ED", "viewer", "long enough password")
    with pytest.raises(AccountError, match="named by its e-mail address"):
        add_account(path, "notanemail", "viewer", oidc=True)
    assert accounts.role_of_oidc(path, "Someone@Example.ORG") == "viewer"
    # ... so signing in and managing an account take the name in any case, and give it back
    # as it was created (the session, the audit log and the review queue use that one)
    assert verify(path, "Ed", "another long password").name == "ed"
    assert verify(path, "AMIRA", "correct horse battery").name == "amira"
    assert verify(path, "Ed", "long enough password") is None
    assert accounts.set_role(path, "ED", "viewer").name == "ed"
    assert sorted(accounts.load_accounts(path)) == ["amira", "ed", "someone@example.org"]
    assert accounts.load_accounts(path)["ed"].role == "viewer"


def test_command_line_manages_accounts_and_audits_each_change(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    env = {**os.environ, "COLLECTION_WATCH_DB": str(db_path)}
    env.pop(accounts.ENV_VAR, None)

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "analysis.accounts", *args], input=stdin, capture_output=True,
                              text=True, cwd=REPO, env=env)
    out = run("add", "amira", "--role", "admin", "--password-stdin", stdin="correct horse battery\n")
    assert out.returncode == 0, out.stderr
    assert run("add", "ed", "--role", "editor", "--password-stdin", stdin="short\n").returncode == 2
    assert run("add", "ed", "--role", "editor", "--password-stdin", stdin="long enough password\n").returncode == 0
    assert run("role", "ed", "viewer").returncode == 0
    refused = run("remove", "amira")
    assert refused.returncode == 2 and "no admin" in refused.stderr
    listed = run("list").stdout
    assert "amira\tadmin\tpassword\tenabled" in listed and "ed\tviewer" in listed and "$argon2" not in listed
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT actor, actor_role, via, action, target, detail FROM meta_audit "
                           "ORDER BY logged_at, audit_id").fetchall()
    assert [(r[3], r[4]) for r in rows] == [("account_add", "amira"), ("account_add", "ed"), ("account_role", "ed")]
    assert {r[2] for r in rows} == {"command line"} and all(r[0].startswith("os:") for r in rows)
    assert json.loads(rows[2][5]) == {"role": "viewer"}
    # a mistyped --db whose directory does not exist makes nothing (it made the directory and a
    # new database holding the account, and said it was done)
    typo = tmp_path / "no_such_dir" / "cw.duckdb"
    out = run("--db", str(typo), "add", "zz", "--role", "admin", "--password-stdin", stdin="correct horse battery\n")
    assert out.returncode == 2 and "no such directory" in out.stderr and not typo.parent.exists()
    # no terminal and no --password-stdin: said, no traceback
    out = run("passwd", "ed")
    assert out.returncode == 2 and "no password was typed" in out.stderr and "Traceback" not in out.stderr


def test_sign_in_throttle_counts_failures_in_a_sliding_window():
    throttle = accounts.SignInThrottle(limit=3, window=60)
    assert [throttle.attempt(["name:vic"], t) for t in (0, 10, 20)] == [True, True, True]  # wrong passwords
    assert not throttle.attempt(["name:vic"], 30) and not throttle.attempt(["ip:x", "name:vic"], 59.9)
    assert throttle.attempt(["name:amira"], 30)  # another name is not held up
    assert throttle.attempt(["name:vic"], 60.1)  # the first failure left the window
    assert not throttle.attempt(["name:vic"], 69.9)
    assert throttle.attempt(["name:vic"], 80.1)


def test_sign_in_throttle_counts_parallel_attempts_before_the_password_check():
    """Attempts are counted when they start, so 15 sign-ins started at once (the password
    check takes ~0.1 s) get no more than the limit through; a right password is taken back."""
    import threading
    throttle = accounts.SignInThrottle(limit=5, window=60)
    admitted = []
    barrier = threading.Barrier(15)

    def one():
        barrier.wait()
        admitted.append(throttle.attempt(["name:amira"], 1.0))
    threads = [threading.Thread(target=one) for _ in range(15)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert admitted.count(True) == 5
    throttle.succeeded(["name:amira"], 1.0)  # one of them had the right password
    assert throttle.attempt(["name:amira"], 2.0) and not throttle.attempt(["name:amira"], 2.0)


@pytest.mark.parametrize("kind", ["garbage", "empty", "directory"])
def test_accounts_command_on_a_damaged_database_changes_nothing(tmp_path, capsys, monkeypatch, kind):
    """The account change and its audit row go together: a database that cannot be written
    gives a message (exit 2, no traceback) and the accounts file is not created."""
    import io
    bad = tmp_path / "bad.duckdb"
    if kind == "garbage":
        bad.write_bytes(b"this is not a database" * 100)
    elif kind == "empty":
        bad.write_bytes(b"")
    else:
        bad.mkdir()
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    code = accounts.main(["--db", str(bad), "add", "zz", "--role", "admin", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    assert not accounts.accounts_path(bad).exists()
