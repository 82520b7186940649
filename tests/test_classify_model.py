"""The trained conduct model (issue 12): reproducible, loaded without unpickling, explained by
the words of the text, never trained on the held-out sets."""
from __future__ import annotations

import csv
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.classify import model as M
from tests.conftest import SHARED, require_shared
from tests.helpers import REPO, build_demo_db

EN = [
    ("They called me 20 times a day, every day, even after I asked them to stop.", {"FREQ_EXCESSIVE_CALLS", "CEASE_IGNORED"}),
    ("The collector calls constantly, five or six times a day, from different numbers.", {"FREQ_EXCESSIVE_CALLS"}),
    ("I get calls all day long, nonstop, they keep calling my cell every hour.", {"FREQ_EXCESSIVE_CALLS"}),
    ("They call me repeatedly, over and over, ten calls a day at least.", {"FREQ_EXCESSIVE_CALLS"}),
    ("The agent said I would be arrested and go to jail if I did not pay today.", {"THREAT_ARREST_OR_CRIME"}),
    ("He told me the sheriff would come to arrest me for fraud.", {"THREAT_ARREST_OR_CRIME"}),
    ("They threatened jail time and criminal charges over the debt.", {"THREAT_ARREST_OR_CRIME"}),
    ("I sent a letter disputing the debt and asked for validation.", set()),
    ("The account on my credit report is not mine, I want it removed.", set()),
    ("I paid the balance in full and have the receipt.", set()),
    ("I asked them to stop and they called again the next morning.", {"CEASE_IGNORED"}),
    ("Even after my cease and desist letter they kept calling.", {"CEASE_IGNORED"}),
    ("I told them in writing not to contact me, they still call.", {"CEASE_IGNORED"}),
]


def _examples(rows=EN):
    return [M.Example(text, "en", set(labels), set(), 1.0, "unit", str(i)) for i, (text, labels) in enumerate(rows)]


def test_training_is_reproducible_and_the_file_round_trips(tmp_path):
    a, b = M.train(_examples()), M.train(_examples())
    assert a.version == b.version and a.version.startswith("model-") and len(a.version) == len("model-") + 12
    assert a.labels == ["FREQ_EXCESSIVE_CALLS", "THREAT_ARREST_OR_CRIME", "CEASE_IGNORED"]  # 3+ positives each
    path = tmp_path / "m.npz"
    a.save(path)
    back = M.load(path)
    texts = ["They keep calling me ten times a day", "He said I would go to jail"]
    assert back.version == a.version and back.manifest == a.manifest
    np.testing.assert_array_equal(back.scores(texts), a.scores(texts))
    assert back.scores(texts).shape == (2, 3) and back.scores(texts).dtype == np.float32


def test_the_manifest_says_when_and_from_what_without_changing_the_version(tmp_path):
    """``trained_at`` (UTC) and a database's review mark are in the manifest, not in the
    version: two trainings at different times on the same texts are the same model."""
    a = M.train(_examples(), extra={"db": "cw.duckdb", "db_reviewed_until": "2026-12-01T10:00:00"})
    b = M.train(_examples())
    assert a.version == b.version
    assert a.manifest["db"] == "cw.duckdb" and a.manifest["db_reviewed_until"] == "2026-12-01T10:00:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", a.manifest["trained_at"])
    assert "db" not in b.manifest


def test_training_gaps_name_the_sets_a_server_without_the_shared_folder_cannot_read(monkeypatch, tmp_path):
    """Without the shared data, every set that needs it is named (the page then refuses to
    retrain: the model would lose them), grouped by the file it needs; the sets in the
    repository that need nothing shared are not."""
    monkeypatch.setenv(M.SHARED_ENV, str(tmp_path / "none"))
    gaps = M.training_gaps()
    assert "{shared}/data/narratives/labelled_dev.csv" in gaps
    needs = {g.split(" (needs ")[0] for g in gaps if " (needs " in g}
    assert {"tests/data/cfpb_pool_train_c.csv", "tests/data/cfpb_payday_train_r.csv",
            "tests/data/cfpb_products_train_r.csv"} <= needs
    assert not any("blind_en_a.csv" in g or "blind_zh_j.csv" in g for g in gaps)
    summary = M.skipped_summary(gaps)
    assert "8 sets need" in summary and "narratives_pool_2013_2015.csv" in summary
    assert gaps == M.hand_examples("train")[1]  # what training would skip, named alike


@require_shared("data/narratives/labelled_dev.csv", "data/cfpb/narratives_pool_2013_2015.csv",
                "data/cfpb/complaints_2019_2020_mixed_products.csv", "data/cfpb/payday_loan_2023_sample.csv")
def test_training_gaps_are_none_with_the_shared_folder():
    assert M.training_gaps() == [] and M.hand_examples("train")[1] == []


def test_predictions_and_their_words():
    m = M.train(_examples())
    [calls, jail] = m.predict(["They keep calling me ten times a day, nonstop.", "He said I would go to jail."])
    assert "FREQ_EXCESSIVE_CALLS" in calls and "THREAT_ARREST_OR_CRIME" not in calls
    assert "THREAT_ARREST_OR_CRIME" in jail and all(0.0 <= s <= 1.0 for s in jail.values())
    words = m.explain("He said I would go to jail.", "THREAT_ARREST_OR_CRIME", k=3)
    assert words and all(c > 0 for _, c in words) and any(w == "jail" for w, _ in words)
    assert [c for _, c in words] == sorted((c for _, c in words), reverse=True)


def _assert_same_matrix(a, b):
    a, b = a.tocsr(), b.tocsr()
    a.sort_indices()
    b.sort_indices()
    assert a.shape == b.shape and a.dtype == b.dtype == np.float32
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_allclose(a.data, b.data, rtol=1e-6, atol=0)


def _fast_and_sklearn(texts_to_fit):
    word, _char = M._vectorizers()
    word.fit(texts_to_fit)
    return M._WordTfidf(word.vocabulary_, word.idf_.astype(np.float32)), word


EDGE_TEXTS = ["", "   ", "!!!", "a", "I I I", "THEY CALLED called Called", "calls: 20/day; jail!!", "İstanbul café naïve",
              "催收 打电话 很多次", "tab\tseparated\nlines", "they called me me me again"]


def test_the_fast_word_features_are_scikit_learns():
    """``_WordTfidf`` is the word vectorizer's transform: the same columns and values, on texts
    whose tokens and bigrams are in the vocabulary and on texts whose are not."""
    fast, word = _fast_and_sklearn([t for t, _ in EN] * 2)
    texts = [t for t, _ in EN] + EDGE_TEXTS + ["They called me, again and again, 20 times a day!"]
    _assert_same_matrix(fast.transform(texts), word.transform(texts))
    assert fast.transform(["zzz qqq"]).nnz == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list("calmeI 2\n.,'-_") + ["called", "me", "stop", "ä", "催", "İ", "CALL", " "]),
                         max_size=30).map("".join), min_size=1, max_size=5))
def test_the_fast_word_features_are_scikit_learns_on_any_text(texts):
    fast, word = _FAST_SMALL
    _assert_same_matrix(fast.transform(texts), word.transform(texts))


_FAST_SMALL = _fast_and_sklearn([t for t, _ in EN] * 2 + ["call me", "me call", "called me", "a b", "stop stop"] * 2)


@require_shared("data/narratives/labelled_dev.csv", "data/cfpb/narratives_pool_2013_2015.csv",
                "data/cfpb/complaints_2019_2020_mixed_products.csv", "data/cfpb/payday_loan_2023_sample.csv")
def test_the_fast_word_features_are_scikit_learns_on_every_labelled_text():
    """Fitted on the training texts as ``train`` does, checked on every training and held-out text."""
    train_texts = [e.text for e in M.hand_examples("train")[0]]
    held_texts = [e.text for e in M.hand_examples("held_out")[0]]
    assert len(train_texts) > 2000 and len(held_texts) > 800
    fast, word = _fast_and_sklearn(train_texts)
    for texts in (train_texts, held_texts):
        _assert_same_matrix(fast.transform(texts), word.transform(texts))


def test_optional_labels_are_left_out_of_that_conducts_loss():
    ex = _examples()
    ex[7].optional = {"FREQ_EXCESSIVE_CALLS"}  # "I sent a letter disputing…"
    y, w = M._targets(ex, "FREQ_EXCESSIVE_CALLS")
    assert y.tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] and w[7] == 0.0 and w.sum() == 12.0


def test_a_language_where_the_model_adds_nothing_to_the_rules_gets_no_suggestions(monkeypatch):
    """_best_threshold: in a language of CV_LANGS the pooled cross-validated threshold, OFF
    where its rules already find every positive (the model can only add false labels there);
    in the others DEFAULT_THRESHOLD."""
    rng = np.random.default_rng(0)
    n = 40
    y = np.array([1, 0] * (n // 2), dtype=np.int8)
    X = np.column_stack([y + rng.normal(0, 0.3, n), rng.normal(0, 1, n)]).astype(np.float64)
    from scipy.sparse import csr_matrix
    X = csr_matrix(X)
    w = np.ones(n)
    langs = np.array([0] * 20 + [1] * 20)
    rules = np.where(langs == 1, y == 1, False)  # the Chinese rules find all; the English none
    monkeypatch.setattr(M, "CV_LANGS", ("en", "zh"))
    thr = M._best_threshold(X, y, w, rules, langs)
    assert thr.shape == (2,) and thr.dtype == np.float32
    assert thr[0] in M.THRESHOLD_GRID and thr[0] != M.DEFAULT_THRESHOLD and thr[1] == M.OFF
    # without rule hits, both languages keep the pooled threshold
    assert M._best_threshold(X, y, w, None, langs).tolist() == [thr[0], thr[0]]
    # a language outside CV_LANGS: the default threshold, whatever its rules find
    monkeypatch.setattr(M, "CV_LANGS", ("zh",))
    assert M._best_threshold(X, y, w, rules, langs).tolist() == [M.DEFAULT_THRESHOLD, M.OFF]
    monkeypatch.setattr(M, "CV_LANGS", ())
    assert M._best_threshold(X, y, w, rules, langs).tolist() == [M.DEFAULT_THRESHOLD] * 2


def test_thresholds_are_per_language_and_an_older_model_file_still_loads(tmp_path):
    m = M.train(_examples())
    assert m.thresholds.shape == (len(M.LANGS), len(m.labels))
    m.thresholds[1, :] = M.OFF  # nothing suggested in Chinese
    text_zh = "他们一天打二十次电话 They keep calling me ten times a day, nonstop."
    text_en = "They keep calling me ten times a day, nonstop."
    assert M.lang_index([text_en, text_zh]).tolist() == [0, 1]
    en, zh = m.predict([text_en, text_zh])
    assert "FREQ_EXCESSIVE_CALLS" in en and zh == {}
    assert m.suggestions([text_zh]) == [[]]
    old = tmp_path / "old.npz"  # the file format before per-language thresholds: one row
    m.thresholds = m.thresholds[0].copy()
    m.save(old)
    back = M.load(old)
    assert back.thresholds.shape == (len(M.LANGS), len(m.labels))
    assert back.predict([text_zh])[0].keys() == en.keys()


def test_a_model_file_is_read_without_unpickling(tmp_path):
    import pickle
    bad = tmp_path / "evil.npz"
    np.savez(bad, labels=np.array([{"x": 1}], dtype=object))  # needs pickle to read
    with pytest.raises(ValueError, match="not a conduct model file"):
        M.load(bad)
    (tmp_path / "junk.npz").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="not a conduct model file"):
        M.load(tmp_path / "junk.npz")
    with pytest.raises(FileNotFoundError):
        M.load(tmp_path / "none.npz")


def test_held_out_sets_are_never_training_sets():
    train, _ = M.training_plan("train")
    held, _ = M.training_plan("held_out")
    assert held and not {p for p, _ in train} & {p for p, _ in held}
    names = {p.name for p, _ in held}
    assert {"cfpb_pool_blind_a.csv", "cfpb_pool_blind_b.csv", "cfpb_payday_blind_g1.csv", "cfpb_payday_blind_g2.csv",
            "cfpb_products_blind_i1.csv", "cfpb_products_blind_i2.csv", "cfpb_payday_blind_j1.csv",
            "cfpb_payday_blind_j2.csv", "blind_en_g.csv", "blind_zh_g.csv"} <= names
    assert {"cfpb_products_train_r.csv", "cfpb_payday_train_r.csv"} <= {p.name for p, _ in train}
    assert not any("agreement" in p.parts for p, _ in train + held)  # the labellers' own files

    def ids(paths):
        out = set()
        for p, fmt in paths:
            if fmt == "cfpb_ids":
                out |= {(r["source_file"], r["complaint_id"]) for r in csv.DictReader(open(p, encoding="utf-8"))}
        return out
    assert not ids(train) & ids(held)  # no complaint in both


@require_shared("data/narratives/labelled_dev.csv", "data/cfpb/narratives_pool_2013_2015.csv",
                "data/cfpb/complaints_2019_2020_mixed_products.csv", "data/cfpb/payday_loan_2023_sample.csv")
def test_train_command_writes_a_model_that_evaluate_reads(tmp_path):
    out = tmp_path / "model.npz"
    run = subprocess.run([sys.executable, "-m", "analysis.classify.model", "train", "--out", str(out)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    m = M.load(out)
    assert m.manifest["skipped_sets"] == [] and m.manifest["examples"] >= 1400
    assert {"cfpb_pool_train_c.csv", "labelled_dev.csv", "blind_zh_e.csv", "blind_en_f.csv"} <= set(m.manifest["by_origin"])
    assert not {"cfpb_pool_blind_a.csv", "cfpb_payday_blind_g1.csv", "blind_en_g.csv"} & set(m.manifest["by_origin"])
    ev = subprocess.run([sys.executable, "-m", "analysis.classify.model", "evaluate", "--model", str(out)],
                        capture_output=True, text=True, cwd=REPO)
    assert ev.returncode == 0 and "cfpb_pool_blind_a.csv (79): rules P" in ev.stdout, ev.stderr[-2000:]
    # set I (docs/narratives_blind.md), measured once after the rules round on its training
    # half: rules P 0.82 R 0.46, rules + model P 0.74 R 0.51; a change that makes it worse fails
    line = next(x for x in ev.stdout.splitlines() if x.startswith("cfpb_products_blind_* together (100)"))
    rules, _model, both = (tuple(float(v) for v in re.findall(r"P ([\d.]+) R ([\d.]+)", part)[0])
                           for part in line.split(";"))
    assert rules[0] >= 0.82 and rules[1] >= 0.46 and both[0] >= 0.74 and both[1] >= 0.51, line


def test_without_shared_data_the_sets_it_needs_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv(M.SHARED_ENV, str(tmp_path / "no-shared"))
    examples, skipped = M.hand_examples("train")
    assert "{shared}/data/narratives/labelled_dev.csv" in skipped
    assert any("cfpb_pool_train_c.csv" in s for s in skipped)
    pool = str(tmp_path / "no-shared" / "data" / "cfpb" / "narratives_pool_2013_2015.csv")
    assert f"tests/data/cfpb_pool_train_c.csv (needs {pool})" in skipped
    line = M.skipped_summary(skipped)
    assert line.startswith(f"{tmp_path / 'no-shared' / 'data' / 'narratives' / 'labelled_dev.csv'}; ")
    assert M.skipped_sets(skipped)[:1] == [("data/narratives/labelled_dev.csv", None)]
    assert ("tests/data/cfpb_pool_train_c.csv", "data/cfpb/narratives_pool_2013_2015.csv") in M.skipped_sets(skipped)
    assert f"12 sets need {pool} (cfpb_pool_train_c.csv, cfpb_pool_train_d.csv, " in line
    assert {e.origin for e in examples} >= {"blind_en_a.csv", "blind_zh_e.csv"}
    assert SHARED  # the fixture's idea of ../shared is not consulted here


def test_imports_store_the_models_suggestions_beside_the_rules_and_count_them_nowhere(tmp_path, monkeypatch):
    """With a model installed, every narrative read also gets the model's suggestions
    (label_source 'model', score, model version, the words behind it); the marts' conduct
    lists are the rules' alone; re-reading replaces the suggestions instead of adding more."""
    import duckdb

    from analysis.classify.relabel import relabel
    from analysis.ingest import run_import
    from benchmarks.gen_cfpb import write_cfpb_csv
    m = M.train(_examples())
    m.save(tmp_path / "model.npz")
    monkeypatch.setenv(M.MODEL_ENV, str(tmp_path / "model.npz"))
    write_cfpb_csv(tmp_path / "g.csv", 80, seed=5)
    db_path = tmp_path / "cw.duckdb"
    [rep] = run_import([tmp_path / "g.csv"], "cfpb", db_path, classify="all")
    q_model = ("SELECT complaint_id, label_code, score, label_version, evidence FROM core_complaint_labels "
               "WHERE label_source = 'model' ORDER BY ALL")
    with duckdb.connect(str(db_path), read_only=True) as con:
        suggested = con.execute(q_model).fetchall()
        assert suggested and all(0 <= s <= 1 and v == m.version and e.startswith("words: ") for _, _, s, v, e in suggested)
        rules = dict(con.execute("""SELECT complaint_id, list_sort(list_distinct(list(label_code)))
            FROM core_complaint_labels WHERE label_kind = 'conduct' AND label_source <> 'model' GROUP BY ALL""").fetchall())
        facts = dict(con.execute("SELECT complaint_id, conduct_codes FROM mart_complaint_facts").fetchall())
        scored = m.predict([con.execute("SELECT narrative FROM core_complaints WHERE complaint_id = ?",
                                        [suggested[0][0]]).fetchone()[0]])[0]
    assert {cid: codes for cid, codes in facts.items() if codes} == rules
    assert any(n.endswith(f"; {len(suggested)} model suggestions ({m.version}), not counted") for n in rep.notes), rep.notes
    assert {c for cid, c, *_ in suggested if cid == suggested[0][0]} == set(scored)
    relabel(db_path, stale_only=False)
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute(q_model).fetchall() == suggested


@pytest.mark.parametrize("lang,title", [("en", "Model suggestions (counted once confirmed, or under “+ model suggestions”)"),
                                        ("zh", "模型建议（经复核确认后，或选择“＋模型建议”时计入）")])
def test_narratives_page_shows_suggestions_apart_from_the_rules_labels(tmp_path, monkeypatch, lang, title):
    import duckdb
    from streamlit.testing.v1 import AppTest

    from analysis import db
    from analysis.ingest import run_import
    from benchmarks.gen_cfpb import write_cfpb_csv
    M.train(_examples()).save(tmp_path / "model.npz")
    monkeypatch.setenv(M.MODEL_ENV, str(tmp_path / "model.npz"))
    write_cfpb_csv(tmp_path / "g.csv", 80, seed=5)
    db_path = tmp_path / "cw.duckdb"
    run_import([tmp_path / "g.csv"], "cfpb", db_path, classify="all")
    with duckdb.connect(str(db_path), read_only=True) as con:
        cid, code = con.execute("SELECT complaint_id, label_code FROM core_complaint_labels WHERE label_source = 'model' "
                                "ORDER BY complaint_id LIMIT 1").fetchone()
    monkeypatch.setenv(db.ENV_VAR, str(db_path))
    at = AppTest.from_file(str(REPO / "pages" / "narratives.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.query_params["complaint"] = cid
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="complaint_pick_read").value == cid  # the complaint the link names, listed or not
    assert title in [m.value.strip("*") for m in at.markdown]
    [table] = [d.value for d in at.dataframe if "score" in d.value.columns]
    assert list(table.columns) == ["label", "score", "words", "found_by_rules"] and len(table) >= 1
    assert all("model" not in str(v) for d in at.dataframe if "label_source_label" in d.value.columns
               for v in d.value["label_source_label"])


def test_narratives_page_says_when_a_linked_complaint_does_not_exist(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from analysis import db
    path = tmp_path / "cw.duckdb"  # its own database: never the default one in data/
    build_demo_db(path)
    monkeypatch.setenv(db.ENV_VAR, str(path))
    at = AppTest.from_file(str(REPO / "pages" / "narratives.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.query_params["complaint"] = "cfpb:999999999"
    at.run()
    assert not at.exception
    from tests.helpers import shown
    assert "No complaint cfpb:999999999 in this database; showing the newest instead." in [shown(w.value) for w in at.warning]
    assert at.selectbox(key="complaint_pick_read").value != "cfpb:999999999"


def test_suggestions_of_another_model_are_stale_and_relabel_refreshes_only_those(tmp_path, monkeypatch):
    """Installing another model (or none) makes every narrative the old one read stale, with its
    suggestions counted apart; relabel (stale only) replaces them by the new model's."""
    import duckdb

    from analysis.classify import classifier_version
    from analysis.classify.relabel import relabel
    from analysis.ingest import run_import
    from analysis.narratives import stale_counts
    from benchmarks.gen_cfpb import write_cfpb_csv
    first, second = M.train(_examples()), M.train(_examples(EN[:-2]))
    assert first.version != second.version
    first.save(tmp_path / "first.npz")
    second.save(tmp_path / "second.npz")
    monkeypatch.setenv(M.MODEL_ENV, str(tmp_path / "first.npz"))
    write_cfpb_csv(tmp_path / "g.csv", 80, seed=5)
    db_path = tmp_path / "cw.duckdb"
    run_import([tmp_path / "g.csv"], "cfpb", db_path, classify="all")
    q = "SELECT DISTINCT label_version FROM core_complaint_labels WHERE label_source = 'model'"
    with duckdb.connect(str(db_path), read_only=True) as con:
        narratives = con.execute("SELECT count(*) FROM core_complaints WHERE has_narrative").fetchone()[0]
        n_suggested = con.execute("SELECT count(*) FROM core_complaint_labels WHERE label_source = 'model'").fetchone()[0]
        assert stale_counts(con) == {"complaints": 0, "labels": 0, "suggestions": 0, "unread": 0,
                                     "version": f"{classifier_version()}+{first.version}"}
        monkeypatch.setenv(M.MODEL_ENV, str(tmp_path / "second.npz"))
        stale = stale_counts(con)
    assert n_suggested > 0 and stale["complaints"] == narratives and stale["suggestions"] == n_suggested
    assert stale["version"] == f"{classifier_version()}+{second.version}"
    found, _, _ = relabel(db_path, stale_only=True)
    assert found["narratives"] == narratives and found["model"] == second.version
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute(q).fetchall() == [(second.version,)]
        assert stale_counts(con)["complaints"] == 0
        monkeypatch.setenv(M.MODEL_ENV, str(tmp_path / "none.npz"))  # the model removed
        assert stale_counts(con)["complaints"] == narratives
    relabel(db_path, stale_only=True)
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute(q).fetchall() == []
        assert stale_counts(con)["complaints"] == 0


def test_with_a_pool_the_model_scores_while_the_rules_run_and_stores_the_same(tmp_path, monkeypatch):
    """Imports with several processes score the model in the importing process while the pool
    reads the rules; what they store equals the one-process import."""
    import duckdb

    import analysis.classify as C
    import analysis.narratives as N
    from analysis.ingest import run_import
    from benchmarks.gen_cfpb import write_cfpb_csv
    M.train(_examples()).save(tmp_path / "model.npz")
    monkeypatch.setenv(M.MODEL_ENV, str(tmp_path / "model.npz"))
    write_cfpb_csv(tmp_path / "g.csv", 80, seed=5)
    q = ("SELECT complaint_id, label_kind, label_code, label_source, score, evidence FROM core_complaint_labels "
         "WHERE label_source IN ('narrative', 'model') ORDER BY ALL")
    stored = {}
    for workers in ("1", "2"):
        monkeypatch.setenv(C.WORKERS_ENV, workers)
        monkeypatch.setattr(N, "MIN_PARALLEL", 10)  # a pool for the 37 narratives
        monkeypatch.setattr(C, "MIN_PARALLEL", 10)
        calls = []
        real = C.classify_pool
        monkeypatch.setattr(N, "classify_pool", lambda w: calls.append(w) or real(w))
        run_import([tmp_path / "g.csv"], "cfpb", tmp_path / f"w{workers}.duckdb", classify="all")
        assert calls == [int(workers)]
        with duckdb.connect(str(tmp_path / f"w{workers}.duckdb"), read_only=True) as con:
            stored[workers] = con.execute(q).fetchall()
    assert any(r[3] == "model" for r in stored["1"]) and stored["1"] == stored["2"]
