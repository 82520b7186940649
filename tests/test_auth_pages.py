"""Who may see and change what, on the pages (issue 11): single-user mode on this computer,
local accounts with roles, and a server reachable from other computers."""
from __future__ import annotations

import re

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from analysis import accounts, codes, db
from analysis.ingest import run_import
from tests.helpers import REPO, build_demo_db, shown
from ui.auth import SESSION_KEY
from ui.review import QUEUE_COLUMNS, QUEUE_FITS, QUEUE_WIDTHS
from ui.state import db_label

CFPB_FIXTURE = REPO / "tests" / "fixtures" / "cfpb" / "three_date_formats.csv"


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    path = tmp_path / "cw.duckdb"
    build_demo_db(path)
    monkeypatch.setenv(db.ENV_VAR, str(path))
    monkeypatch.delenv(accounts.ENV_VAR, raising=False)
    return path


@pytest.fixture
def exposed():
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def _page(name: str, lang: str = "en", signed_in: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / f"{name}.py"), default_timeout=60)
    at.query_params["lang"] = lang
    if signed_in:
        at.session_state[SESSION_KEY] = signed_in
    return at.run()


def _texts(at: AppTest, kind: str) -> list[str]:
    return [shown(e.value) for e in getattr(at, kind)]


def test_single_user_mode_changes_demo_data_only(demo_db):
    """No accounts, server on 127.0.0.1: the local user may import while only the demonstration
    data is loaded; once real complaints are in, changes need an account; viewing goes on."""
    assert config.get_option("server.address") == "127.0.0.1"  # .streamlit/config.toml
    at = _page("import_data")
    assert not at.exception and not at.error, _texts(at, "error")
    assert any("Single-user mode on this computer" in c for c in _texts(at, "caption"))
    # said before a file is chosen (a new user imported a test file and found the data locked)
    assert [w for w in _texts(at, "warning") if w.startswith(
        "Only demonstration data is loaded, so this computer's single-user mode may change the data. Once this "
        "file's complaints are in, changing the data (more imports, removing one, reviews) needs an account")]
    assert _texts(_page("import_data", "zh"), "warning")[-1].startswith("目前只有演示数据，本机单用户模式可以修改数据。")
    run_import([CFPB_FIXTURE], "cfpb", demo_db)  # real complaints (as from the command line)
    at = _page("import_data")
    assert not [w for w in _texts(at, "warning") if w.startswith("Only demonstration data")]
    [err] = _texts(at, "error")
    assert err.startswith("Real complaints are loaded, so changing the data needs an account")
    assert not at.file_uploader  # nothing to upload with
    at = _page("intake", "zh")
    assert _texts(at, "error")[0].startswith("已载入真实投诉，修改数据需要账户")
    assert not _page("overview").error and _page("overview").metric  # viewing goes on


def test_with_accounts_every_page_needs_a_sign_in(demo_db):
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    at = _page("overview")
    assert _texts(at, "info") == ["Sign in to use the dashboard."] and not at.metric
    at.text_input(key="auth_name").input("vic")
    at.text_input(key="auth_password").input("wrong password!")
    at.button[0].click().run()  # the form's submit button
    assert "Name or password is wrong." in _texts(at, "error") and not at.metric
    at.text_input(key="auth_name").input("vic")
    at.text_input(key="auth_password").input("viewer password 1")
    at.button[0].click().run()
    assert at.metric and not at.error, _texts(at, "error")
    assert "Signed in as vic (viewer)." in _texts(at, "caption")


def test_roles_decide_who_changes_the_data(demo_db):
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    accounts.add_account(path, "ed", "editor", "editor password 1")
    viewer = _page("import_data", signed_in="vic")
    assert _texts(viewer, "error") == ["Your role (viewer) cannot do this; it needs editor. Ask an admin."]
    assert not viewer.file_uploader
    assert _page("intake", "zh", signed_in="vic").error
    editor = _page("import_data", signed_in="ed")
    assert not editor.error and editor.file_uploader
    accounts.set_disabled(path, "ed")  # disabled while signed in: out at the next page
    again = _page("import_data", signed_in="ed")
    assert _texts(again, "info") == ["Sign in to use the dashboard."] and not again.file_uploader


def test_a_server_reachable_from_other_computers_without_accounts_shows_nothing(demo_db, exposed):
    for page in ("overview", "import_data"):
        at = _page(page)
        [err] = _texts(at, "error")
        assert err.startswith("This dashboard can be reached from other computers and has no accounts")
        assert not at.metric and not at.file_uploader


def test_editors_see_the_audit_log_viewers_do_not(demo_db):
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    accounts.add_account(path, "ed", "editor", "editor password 1")
    from analysis.audit import Actor
    run_import([CFPB_FIXTURE], "cfpb", demo_db, actor=Actor("ed", "editor"))
    editor = _page("data", signed_in="ed")
    assert "Audit log" in [s.value for s in editor.subheader]
    [audit] = [d.value for d in editor.dataframe if "actor" in d.value.columns]
    assert audit[["actor", "actor_role", "via", "action", "file_name", "rows_read"]].values.tolist() == [
        ["ed", "editor", "dashboard", "import", "three_date_formats.csv", 3]]
    [audit_zh] = [d.value for d in _page("data", "zh", signed_in="ed").dataframe if "actor" in d.value.columns]
    assert audit_zh[["actor", "actor_role", "via", "action"]].values.tolist() == [["ed", "编辑", "仪表盘", "导入"]]
    viewer = _page("data", signed_in="vic")
    assert "Audit log" not in [s.value for s in viewer.subheader] and not viewer.error


def test_an_editor_removes_an_import_on_the_data_page(demo_db):
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "ed", "editor", "editor password 1")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    from analysis.audit import Actor
    [rep] = run_import([CFPB_FIXTURE], "cfpb", demo_db, actor=Actor("ed", "editor"))
    assert not [e for e in _page("data", signed_in="vic").expander if "Remove" in e.label]
    # one of its complaints reviewed: the page says its review goes with it, before and after
    from analysis import reviews
    with db.connect_read_only(demo_db) as con:
        [(cid,)] = db.read_cursor(con).execute("SELECT min(complaint_id) FROM core_complaints WHERE import_id = ?",
                                               [rep.import_id]).fetchall()
    reviews.save_review(demo_db, reviews.Review(cid, [reviews.Decision("conduct", "ABUSIVE_LANGUAGE", "add")]),
                        Actor("ed", "editor"))
    at = _page("data", signed_in="ed")
    at.selectbox(key="del_pick_import").set_value(rep.import_id).run()
    assert at.button(key="del_go").disabled
    assert ("Reviewed among these 3 complaints: 1, with 1 decision(s) and their notes. Their reviews are removed "
            "with them and do not come back if the file is imported again." in _texts(at, "warning"))
    at.text_input(key="del_typed_import").input(rep.import_id).run()
    at.button(key="del_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert (f"Removed {rep.import_id}: 3 complaints (1 of them reviewed, 1 review decision(s)) and 3 file rows. The "
            "figures now leave them out." in _texts(at, "success"))
    # drawn again without it: no warning, typed id or button for the removed import is left
    assert not [w for w in _texts(at, "warning") if w.startswith("Reviewed among")]
    assert rep.import_id not in [s.value for s in at.selectbox] and not [b for b in at.button if b.key == "del_go"
                                                                        and not b.disabled]
    from analysis.store import live_replica
    import duckdb
    with duckdb.connect(str(live_replica(demo_db)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core_complaints WHERE source = 'cfpb'").fetchone() == (0,)
        assert con.execute("SELECT actor, action, target FROM meta_audit WHERE action LIKE 'delete%'").fetchall() == [
            ("ed", "delete_import", rep.import_id)]


def test_the_data_page_says_a_call_logs_calls_go_from_the_earlier_complaint(demo_db):
    """A call log attached to an earlier complaint: before the button, the Data page says how many
    incidents it added to complaints that stay (English and Chinese); after, that they went."""
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "ed", "editor", "editor password 1")
    from analysis.audit import Actor
    fixtures = REPO / "tests" / "fixtures" / "import"
    run_import([fixtures / "intake.csv"], "intake", demo_db, actor=Actor("ed", "editor"))
    [log] = run_import([fixtures / "call_log.csv"], "call_log", demo_db, actor=Actor("ed", "editor"),
                       complaint_id="intake:IN002")
    said = {"en": "It also added 12 incident(s) to complaints that stay (e.g. a call log attached to an earlier "
                  "complaint): they are removed from them, and those complaints' call-log labels are computed "
                  "again from what remains.",
            "zh": "该导入还向保留的投诉追加了 12 个催收事件（如附加到已有投诉的通话记录）：这些事件将被删除，"
                  "相应投诉的通话记录标签将按剩余事件重新计算。"}
    for lang in ("zh", "en"):
        at = _page("data", lang, signed_in="ed")
        at.selectbox(key="del_pick_import").set_value(log.import_id).run()
        assert said[lang] in _texts(at, "warning")
    at.text_input(key="del_typed_import").input(log.import_id).run()
    at.button(key="del_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert (f"Removed {log.import_id}: 0 complaints (0 of them reviewed, 0 review decision(s)) and 15 file rows. "
            "The figures now leave them out. 12 incident(s) it had added to other complaints were removed from "
            "them." in _texts(at, "success"))
    assert not [w for w in _texts(at, "warning") if w.startswith("It also added")]


def test_only_editors_save_views_and_the_view_says_who(demo_db):
    """Saved views are shared by everyone using the database: viewers use them, editors save
    them, and each records the account that saved it (not the server's user)."""
    from analysis import views
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    accounts.add_account(path, "ed", "editor", "editor password 1")
    viewer = _page("overview", signed_in="vic")
    assert not [b for b in viewer.button if b.key == "view_save"] and not viewer.error
    editor = _page("overview", signed_in="ed")
    editor.text_input(key="view_name").input("Night calls 2024")
    [save] = [b for b in editor.button if b.key == "view_save"]
    save.click().run()
    assert not editor.error, _texts(editor, "error")
    [v] = views.load_views(demo_db)
    assert (v.name, v.page, v.saved_by) == ("Night calls 2024", "overview", "ed")


def test_failed_sign_ins_count_across_sessions(demo_db):
    """Five wrong passwords for one name, each from a new browser session, lock that name for
    everyone for a minute (a new session does not reset the count); other names still sign in."""
    from ui.auth import _throttles
    _throttles.clear()
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")

    def sign_in(name: str, password: str) -> AppTest:
        at = _page("overview")
        at.text_input(key="auth_name").input(name)
        at.text_input(key="auth_password").input(password)
        at.button[0].click().run()
        return at
    try:
        for i in range(5):
            assert _texts(sign_in("Vic", f"guess {i}"), "error") == ["Name or password is wrong."]
        locked = sign_in("vic", "viewer password 1")
        assert _texts(locked, "error") == ["Too many failed sign-ins: wait 60 seconds and try again."]
        assert not locked.metric
        other = sign_in("amira", "correct horse battery")
        assert other.metric and not other.error
    finally:
        _throttles.clear()


def test_data_page_counts_stale_narrative_labels_and_editors_re_read_them(demo_db):
    """Five narratives read by an older classifier: everyone sees how many; a viewer is told
    who can re-read them; an editor re-reads exactly those from the page (audited)."""
    from analysis.narratives import label_narratives
    from analysis.store import mark_changed
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    accounts.add_account(path, "ed", "editor", "editor password 1")
    five = "SELECT complaint_id FROM core_complaints WHERE source = 'demo_us' AND has_narrative ORDER BY complaint_id LIMIT 5"
    with db.write_transaction(demo_db, "older labels") as con:
        label_narratives(con, five)
        con.execute(f"UPDATE core_complaints SET narrative_version = 'rules-000000000000' WHERE complaint_id IN ({five})")
        mark_changed(con, five)
    viewer = _page("data", signed_in="vic")
    [warning] = [w for w in _texts(viewer, "warning") if "older patterns" in w]  # (and the demo data banner)
    assert warning.startswith("5 narratives (") and "were read by older patterns or another model than those in use" in warning
    assert any(c.startswith("An editor can re-read them here") for c in _texts(viewer, "caption"))
    # the command names this database, as the import command above it does
    assert any(c.endswith(f"relabel --db {db_label(demo_db)}") for c in _texts(viewer, "caption"))
    assert not [b for b in viewer.button if b.key == "relabel_stale"]
    editor = _page("data", "zh", signed_in="ed")
    [go] = [b for b in editor.button if b.key == "relabel_stale"]
    assert go.label == "重新读取这 5 条正文"
    go.click().run()
    assert any(s.startswith("已重新读取 5 条正文") for s in _texts(editor, "success")), _texts(editor, "error")
    # on the same page, after the re-read: no warning of stale labels beside the success, no button
    assert not [w for w in _texts(editor, "warning") if "旧版" in w] and not [
        b for b in editor.button if b.key == "relabel_stale"]
    again = _page("data", signed_in="ed")
    assert not [w for w in _texts(again, "warning") if "older patterns" in w] and any(c.startswith("No narrative was read by older patterns or another model")
                                      for c in _texts(again, "caption"))
    with db.connect_read_only(demo_db) as con:
        assert con.execute("SELECT actor, action, rows_updated FROM meta_audit WHERE action = 'relabel'").fetchall() == [
            ("ed", "relabel", 5)]


def test_review_queue_viewers_read_editors_review(demo_db):
    """Narratives page, review queue: a viewer sees progress and the queue but no form; an
    editor must decide every label, then the save is recorded under the editor's name and the
    complaint leaves the queue."""
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    accounts.add_account(path, "eddie", "editor", "editor password 1")

    def page(who):
        at = AppTest.from_file(str(REPO / "pages" / "narratives.py"), default_timeout=90)
        at.query_params["lang"] = "en"
        at.query_params["mode"] = "review"
        at.session_state[SESSION_KEY] = who
        return at.run()
    at = page("vic")
    assert not at.exception and not at.error, _texts(at, "error")
    assert "Editors review labels: sign in as an editor to confirm, reject or add them." in _texts(at, "caption")
    assert not [b for b in at.button if "Save review" in str(b.label)]
    at = page("eddie")
    first = at.selectbox(key="complaint_pick_review_uncertain").value
    save = [b for b in at.button if "Save review" in str(b.label)]
    assert save and at.radio
    save[0].click().run()
    assert any(e.startswith("Decide every label and incident first") for e in _texts(at, "error"))
    for r in at.radio:
        r.set_value("reject" if r.label.startswith("Contact-list blasting") else "confirm")
    [b for b in at.button if "Save review" in str(b.label)][0].click().run()
    assert not at.exception and not at.error, _texts(at, "error")
    assert any(s.startswith(f"Review of {first} saved:") for s in _texts(at, "success"))
    assert at.selectbox(key="complaint_pick_review_uncertain").value != first  # on to the next
    with db.connect_read_only(demo_db) as con:
        cur = db.read_cursor(con)
        who = cur.execute("SELECT DISTINCT reviewed_by, reviewer_role FROM core_label_reviews").fetchall()
        audited = cur.execute("SELECT actor, target FROM meta_audit WHERE action = 'review'").fetchall()
    assert who == [("eddie", "editor")] and audited == [("eddie", first)]
    # reading the complaint again: each label says the decision in force, the log is in words
    at = page("vic")
    at.query_params["mode"] = "read"
    at.query_params["complaint"] = first
    at.run()
    [lab] = [d.value for d in at.dataframe if {"label", "reviewed"} <= set(d.value.columns)]
    confirmed = codes.label("review_decision", "confirm", "en")
    assert lab.set_index("label")["reviewed"].to_dict() == {"Impersonating officials": confirmed,
                                                            "Fees or interest": confirmed, "Refund fees": "",
                                                            "Stop harassment": ""}  # (demands are not reviewed)
    [log] = [d.value for d in at.dataframe if "decision_label" in d.value.columns]
    assert {"Impersonating officials", "Fees or interest"} <= set(log["label_code"])
    assert not [c for c in log["label_code"] if re.fullmatch(r"[A-Z_]+|.*#.*", c)]  # no raw codes or incident ids


def test_review_queue_fits_a_1280_px_window():
    """Every queue column has a width, and without the "being reviewed by" column they add up to
    the page's width in a 1280 px window (measured in screenshots: about 820 px)."""
    assert set(QUEUE_COLUMNS) == set(QUEUE_WIDTHS)
    assert sum(w for c, w in QUEUE_WIDTHS.items() if c != "open_by") <= QUEUE_FITS <= 820


def test_review_queue_two_editors_on_one_complaint(demo_db):
    """Two editors open the same complaint; the first saves; the second's save, on the form as
    it was before, is refused with the first editor's name, writes nothing, and the form then
    shows the first editor's decisions; saved again, it is the second editor's."""
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "eddie", "editor", "editor password 1")
    accounts.add_account(path, "mei", "editor", "editor password 2")

    def page(who, lang="en"):
        at = AppTest.from_file(str(REPO / "pages" / "narratives.py"), default_timeout=90)
        at.query_params["lang"] = lang
        at.query_params["mode"] = "review"
        at.session_state[SESSION_KEY] = who
        return at.run()

    def save(at, decision):
        for r in at.radio:
            if r.options == ["confirm", "reject"] or r.key and r.key.startswith("rv_"):
                r.set_value(decision)
        [b for b in at.button if "Save review" in str(b.label) or "保存复核" in str(b.label)][0].click().run()

    def rows():
        with db.connect_read_only(demo_db) as con:
            return db.read_cursor(con).execute("SELECT reviewed_by, decision, count(*) FROM core_label_reviews "
                                               "WHERE label_kind <> 'complaint' GROUP BY ALL ORDER BY ALL").fetchall()
    ed, mei = page("eddie"), page("mei", "zh")
    first = ed.selectbox(key="complaint_pick_review_uncertain").value
    # the same queue, but the complaint eddie has open comes last for mei, who starts on another
    queue = mei.selectbox(key="complaint_pick_review_uncertain").options
    assert mei.selectbox(key="complaint_pick_review_uncertain").value != first and queue[-1] == first
    [table] = [d.value for d in mei.dataframe if "open_by" in d.value.columns]
    assert table.set_index("complaint_id")["open_by"].to_dict()[first] == "eddie"
    assert set(table["open_by"]) == {"", "eddie"}
    # the queue's columns, the one naming who has a complaint open only while someone does
    assert tuple(table.columns) == QUEUE_COLUMNS
    assert [tuple(d.value.columns) for d in ed.dataframe if "disagreements" in d.value.columns] == [
        tuple(c for c in QUEUE_COLUMNS if c != "open_by")]
    assert not [w for w in _texts(mei, "warning") if "eddie" in w]
    mei.selectbox(key="complaint_pick_review_uncertain").set_value(first).run()  # she opens it all the same
    assert any(w.startswith("eddie 在 1 分钟前打开了此投诉的审核") for w in _texts(mei, "warning")), _texts(mei, "warning")
    save(ed, "confirm")
    assert not ed.error, _texts(ed, "error")
    n = rows()[0][2]
    save(mei, "reject")
    [err] = _texts(mei, "error")
    assert err.startswith("未保存：eddie 在您打开这条投诉之后")
    assert rows() == [("eddie", "confirm", n)]  # nothing of mei's written
    assert mei.selectbox(key="complaint_pick_review_uncertain").value == first  # still on it,
    assert {r.value for r in mei.radio if r.key and r.key.startswith("rv_")} == {"confirm"}  # with eddie's decisions
    [b for b in mei.button if "保存复核" in str(b.label)][0].click().run()  # saved again on what it now shows
    assert not mei.error, _texts(mei, "error")
    assert ("mei", "confirm", n) in rows()
    # the history counts the decisions as each save did, and the saves
    at = AppTest.from_file(str(REPO / "pages" / "narratives.py"), default_timeout=90)
    at.query_params["lang"], at.query_params["complaint"] = "en", first
    at.session_state[SESSION_KEY] = "eddie"
    at.run()
    assert [e.label for e in at.expander if e.label.startswith("Review history")] == [
        f"Review history ({2 * n} decisions in 2 reviews)"]


def test_data_page_conduct_model_retrained_by_an_admin_with_the_reviews(demo_db, tmp_path, monkeypatch):
    """Two complaints reviewed, a model that saw none: everyone is told; a viewer is told who can
    retrain; an admin retrains from the page (on a one-set training plan here, so it takes a
    second; the page itself is what runs), the model file in use changes, learns from the two
    reviews and says so, and the audit log has the retraining. Where a training set cannot be
    read, the page refuses to retrain instead of writing a weaker model."""
    from analysis.audit import Actor
    from analysis.classify import model as M
    from analysis.reviews import Review, save_review
    from tests.test_classify_model import _examples
    path = accounts.accounts_path(demo_db)
    accounts.add_account(path, "amira", "admin", "correct horse battery")
    accounts.add_account(path, "vic", "viewer", "viewer password 1")
    model_file = tmp_path / "model.npz"
    M.train(_examples()).save(model_file)
    before = M.load(model_file).version
    monkeypatch.setenv(M.MODEL_ENV, str(model_file))
    plan = tmp_path / "training.toml"
    plan.write_text('[[train]]\npath = "tests/data/blind_en_a.csv"\nformat = "text"\n', encoding="utf-8")
    monkeypatch.setattr(M, "TRAINING_FILE", plan)
    with db.connect_read_only(demo_db) as con:
        two = [r[0] for r in con.execute("SELECT complaint_id FROM core_complaints WHERE has_narrative "
                                         "ORDER BY complaint_id LIMIT 2").fetchall()]
    for cid in two:
        save_review(demo_db, Review(cid, []), Actor("amira", "admin"))

    viewer = _page("data", signed_in="vic")
    assert "Reviewed complaints not in the model yet: 2 (of 2)." in " ".join(_texts(viewer, "info"))
    assert any(c.startswith("An administrator can retrain it here") for c in _texts(viewer, "caption"))
    assert not [b for b in viewer.button if b.key == "train_model"]

    admin = _page("data", "zh", signed_in="amira")
    [go] = [b for b in admin.button if b.key == "train_model"]
    assert go.label == "用已复核投诉重新训练模型"
    go.click().run()
    assert not admin.exception and any(s.startswith("已训练 model-") for s in _texts(admin, "success")), \
        _texts(admin, "error") + _texts(admin, "warning")
    after = M.load(model_file)
    assert after.version != before and after.manifest["db"] == demo_db.name
    assert after.manifest["by_origin"]["db:reviewed"] == 2 and after.manifest["by_origin"]["blind_en_a.csv"] == 40
    again = _page("data", signed_in="amira")
    assert "Every reviewed complaint of this database (2) is in the model." in _texts(again, "caption")
    assert not [b for b in again.button if b.key == "train_model"]
    with db.connect_read_only(demo_db) as con:
        assert con.execute("SELECT actor, action, target FROM meta_audit WHERE action = 'train_model'").fetchall() == [
            ("amira", "train_model", after.version)]

    save_review(demo_db, Review(two[0], []), Actor("amira", "admin"))  # one more review: one new to the model
    plan.write_text('[[train]]\npath = "{shared}/data/narratives/labelled_dev.csv"\nformat = "text"\n', encoding="utf-8")
    monkeypatch.setenv(M.SHARED_ENV, str(tmp_path / "no_shared"))
    refused = _page("data", signed_in="amira")
    assert "Reviewed complaints not in the model yet: 1 (of 2)." in " ".join(_texts(refused, "info"))
    assert (f"Retraining here is off: 1 of the labelled training sets need files this server cannot read "
            f"(data/narratives/labelled_dev.csv in the shared data folder {tmp_path / 'no_shared'}), "
            f"and a model trained without them") in " ".join(_texts(refused, "warning")).replace("\\", "")
    assert [e.label for e in refused.expander if e.label == "The training sets concerned"]
    assert not [b for b in refused.button if b.key == "train_model"]


def test_data_page_says_when_the_model_in_use_was_trained_without_the_shared_sets(demo_db, tmp_path, monkeypatch):
    """A model trained where ../shared was missing (run.sh on a fresh clone) is in use but
    weaker: the Data page says so, naming what it lacked; a full model gets no such warning."""
    from analysis.classify import model as M
    from tests.test_classify_model import _examples
    reduced = tmp_path / "reduced.npz"
    M.train(_examples(), skipped=["{shared}/data/narratives/labelled_dev.csv",
                                  "tests/data/cfpb_pool_train_c.csv (needs /x/narratives_pool_2013_2015.csv)"]).save(reduced)
    monkeypatch.setenv(M.MODEL_ENV, str(reduced))
    [warning] = [w for w in _texts(_page("data"), "warning") if "trained without" in w]
    assert warning.startswith("This model was trained without 2 of the labelled training sets (they need "
                              "data/narratives/labelled_dev.csv, /x/narratives_pool_2013_2015.csv from the "
                              "shared data folder")
    zh = _page("data", "zh")
    assert any("该模型训练时缺少 2 个标注训练集" in w for w in _texts(zh, "warning"))
    listed = "\n".join(x.value for x in zh.text)  # the sets, folded under the warning, in Chinese
    assert "tests/data/cfpb_pool_train_c.csv（需要 /x/narratives_pool_2013_2015.csv）" in listed
    assert "data/narratives/labelled_dev.csv" in listed and "{shared}" not in listed and "needs" not in listed
    full = tmp_path / "full.npz"
    M.train(_examples()).save(full)
    monkeypatch.setenv(M.MODEL_ENV, str(full))
    assert not [w for w in _texts(_page("data"), "warning") if "trained without" in w]


def test_single_user_mode__the_first_real_entry_is_confirmed_above_the_lock(demo_db):
    """In single-user mode the first real complaint ends the right to change data; the intake
    entry that did it is confirmed above the lock (it looked lost: only the lock was shown)."""
    from datetime import date
    at = _page("intake")
    at.date_input(key="in0_received").set_value(date(2024, 12, 5)).run()
    at.text_input(key="in0_creditor").input("速借花").run()
    at.date_input(key="in0_inc0_date").set_value(date(2024, 12, 3)).run()
    at.text_input(key="in0_inc0_clock").input("22:30").run()
    at.selectbox(key="in0_inc0_method").set_value("phone_call").run()
    at.button(key="in0_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [ok] = _texts(at, "success")
    assert ok.startswith("Saved as complaint intake:CA") and "with 1 incident(s)" in ok
    [err] = _texts(at, "error")
    assert err.startswith("Real complaints are loaded, so changing the data needs an account")
    at.run()  # said once: the next run shows the lock alone
    assert not _texts(at, "success")
