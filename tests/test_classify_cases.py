"""Own test sentences: Chinese clock words, a.m./p.m. spellings, 24-hour, ranges, negation,
slang, redactions, mixed-language text, API shapes and the CLI."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.classify import classify_many, classify_narrative

ROOT = Path(__file__).resolve().parents[1]


def _times(text, lang=None, jur=None):
    r = classify_narrative(text, lang, jur)
    return [(t.text, t.time_local, t.precision, t.candidates) for t in r.times]


@pytest.mark.parametrize("text,expected", [
    ("凌晨两点十分打电话", [("凌晨两点十分", "02:10", "exact", ())]),
    ("晚上九点三刻打来", [("晚上九点三刻", "21:45", "exact", ())]),
    ("半夜十二点来电", [("半夜十二点", "00:00", "exact", ())]),
    ("晚上12点还在打", [("晚上12点", "00:00", "exact", ())]),
    ("十点半打电话", [("十点半", None, "ambiguous", ("10:30", "22:30"))]),
    ("12点打电话", [("12点", None, "ambiguous", ("12:00", "00:00"))]),
    ("二十三点来电", [("二十三点", "23:00", "exact", ())]),
    ("零点过后还在打", [("零点过后", None, "daypart", ())]),
    ("下午三点打电话", [("下午三点", "15:00", "exact", ())]),
])
def test_classify_times__chinese(text, expected):
    assert _times(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("They called at 7:15 a.m.", [("7:15 a.m.", "07:15", "exact", ())]),
    ("They called at 7:15am", [("7:15am", "07:15", "exact", ())]),
    ("They called at 10 PM", [("10 PM", "22:00", "exact", ())]),
    ("They called at 21:30", [("21:30", "21:30", "exact", ())]),
    ("They called at 9:30", [("9:30", None, "ambiguous", ("09:30", "21:30"))]),
    ("They called at 7", [("7", None, "ambiguous", ("07:00", "19:00"))]),
    ("They called at 11 at night", [("11 at night", "23:00", "exact", ())]),
    ("They called at midnight", [("midnight", "00:00", "exact", ())]),
    ("They called late at night", [("late at night", None, "daypart", ())]),
    ("They called about 5 times", []),
])
def test_classify_times__english(text, expected):
    assert _times(text) == expected


def test_classify_times__range_from_7_until_midnight():
    r = classify_narrative("They called from 7 until midnight.")
    assert [t.flags for t in r.times] == [("ampm_ambiguous", "range"), ("range",)]
    assert r.conducts == ("TIME_INCONVENIENT",)
    # the untimed reading of "7" adds no incident next to the timed one of the same contact
    assert [(i.time_local, i.time_precision, i.is_outside_permitted_hours) for i in r.incidents] == [
        ("00:00", "exact", True)]


def test_classify_times__ambiguous_never_exact_in_incidents():
    r = classify_narrative("十点半打电话")
    assert r.incidents[0].hour is None and r.incidents[0].time_precision == "unknown"
    assert r.conducts == ()


def test_classify_times__daypart_inside_banned_window_is_likely():
    r = classify_narrative("半夜打电话骚扰我")
    assert r.conducts == ("TIME_INCONVENIENT",)
    assert [(v.rule_id, v.verdict) for v in r.rule_verdicts] == [("CN-TIME-01", "likely")]
    assert r.incidents[0].is_outside_permitted_hours is True


def test_classify_times__before_8am_flag_is_not_an_exact_hour():
    r = classify_narrative("They called before 8 am again.")
    t = r.times[0]
    assert (t.precision, t.hour, t.flags) == ("daypart", None, ("bound_before",))
    assert "TIME_INCONVENIENT" in r.conducts


@pytest.mark.parametrize("text,lang", [
    ("They never called me at night.", "en"),
    ("他们没有打给我家里人。", "zh"),
    ("不是晚上打的。", "zh"),
    ("They didn't call my mother.", "en"),
])
def test_classify_negation__no_label(text, lang):
    r = classify_narrative(text, lang)
    assert r.conducts == ()
    assert set(r.recipients) <= {"debtor"}
    assert any("negated" in e.flags for e in r.evidence) or any("negated" in t.flags for t in r.times)


def test_classify_negation__scope_ends_at_clause():
    r = classify_narrative("They didn't call at night, only at 7am.")
    assert [(t.time_local, t.is_contact) for t in r.times] == [(None, False), ("07:00", True)]
    assert r.conducts == ("TIME_INCONVENIENT",)


@pytest.mark.parametrize("text,conduct,method", [
    ("他们爆了我的通讯录", "CONTACT_LIST_BLAST", None),
    ("用呼死你软件打我电话", "FREQ_EXCESSIVE_CALLS", "robocall"),
    ("短信轰炸，一天几百条", "FREQ_EXCESSIVE_MESSAGES", "sms"),
    ("把我的照片P图发到网上", "PUBLIC_SHAMING", "social_media_public"),
    ("打电话骂我是老赖", "ABUSIVE_LANGUAGE", "phone_call"),
])
def test_classify_slang(text, conduct, method):
    r = classify_narrative(text)
    assert conduct in r.conducts
    if method:
        assert method in r.methods


def test_classify_redaction__never_a_time_or_count():
    text = "On XX/XX/XXXX they called me about {$400.00}. XXXX called again at XXXX."
    r = classify_narrative(text)
    assert r.times == ()
    assert r.conducts == ()
    assert r.methods == ("phone_call",)


def test_classify_mixed_language__both_pattern_sets_run():
    r = classify_narrative("他们用WhatsApp给我打电话，凌晨两点，还说要起诉")
    assert r.language == "zh" and r.jurisdiction == "CN"
    assert r.methods == ("phone_call", "im")
    assert [t.time_local for t in r.times] == ["02:00"]
    r2 = classify_narrative("The collector called me 凌晨两点 and cursed at me.")
    assert r2.language == "en"
    assert r2.times[0].time_local == "02:00"
    assert r2.conducts == ("TIME_INCONVENIENT", "ABUSIVE_LANGUAGE")


def test_classify_consumer_own_acts_are_not_contacts():
    r = classify_narrative("I called them to dispute the debt and I sent a dispute letter.")
    assert r.methods == ()


def test_classify_api__evidence_spans_and_order():
    text = "They called my boss and told him about my debt at 10:30 pm."
    r = classify_narrative(text)
    assert r.conducts == ("TIME_INCONVENIENT", "THIRD_PARTY_DISCLOSURE", "EMPLOYER_CONTACT")
    assert r.recipients == ("employer_or_coworker",)
    for e in r.evidence:
        assert text[e.start:e.end] == e.text
    assert r.incidents[0].recipient_code == "employer_or_coworker"


def test_classify_api__errors_and_many():
    with pytest.raises(ValueError):
        classify_narrative("x", "fr")
    with pytest.raises(ValueError):
        classify_narrative("x", None, "DE")
    with pytest.raises(ValueError):
        classify_many(["a", "b"], langs=["en"])
    rs = classify_many(["They called at 6 am", "晚上十一点来电"], jurisdictions=["US", None])
    assert [r.jurisdiction for r in rs] == ["US", "CN"]


def test_classify_cli__writes_rows_and_rejects_missing_column(tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("id,text\n1,They called at 6 am\n2,晚上十点整准时来电\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "analysis.classify", "--input", str(inp), "--output", str(out)]
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["time_local"] == "06:00" and rows[0]["rule_ids"] == "US-TIME-01:violation"
    assert rows[1]["conducts"] == "TIME_INCONVENIENT" and "CN-TIME-01:violation" in rows[1]["rule_ids"]
    bad = subprocess.run(cmd + ["--text-column", "body"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "'body'" in bad.stderr


@pytest.mark.parametrize("text,methods,recipients,conducts", [
    # a recipient named before its verb ("my employer ... received"), also across a parenthetical
    ("My boss received a voicemail about my debt.", ("voicemail",), ("employer_or_coworker",),
     ("THIRD_PARTY_DISCLOSURE", "EMPLOYER_CONTACT")),
    ("My part-time employer, with whom I do not share an office, received a voicemail with "
     "personal information.", ("voicemail",), ("employer_or_coworker",),
     ("THIRD_PARTY_DISCLOSURE", "EMPLOYER_CONTACT")),
    # what the company "said" on the consumer's own call is no collection contact
    ("I called XXXX and paid them {$1600.00}. They said the levy would be released.", (), (), ()),
    # back-references to the consumer's own call
    ("I called the servicer to ask why. On the call the lady explained the program.", (), (), ()),
    # a company "called" X is a name, not a call
    ("I noticed three collections by a company called ARS.", (), (), ()),
    # the collector's own documents
    ("They just send me a generic form every time I dispute.", ("letter",), ("debtor",), ()),
])
def test_classify_cases__consumer_side_and_recipient_context(text, methods, recipients, conducts):
    r = classify_narrative(text, "en", "US")
    assert (r.methods, r.recipients, r.conducts) == (methods, recipients, conducts)


# Actor model (patterns/en.toml [actor]): the consumer's own contacts, requests and promises
# are no collection contact; the collector's contacts stay.
@pytest.mark.parametrize("text,methods,conducts,recipients", [
    ("I tried calling several times but nobody answered.", (), (), ()),
    ("I have repeatedly reached out to the law firm and have left voicemail messages.", (), (), ()),
    ("I phoned them twice. Called again on Friday.", (), (), ()),
    ("They promised they would have the attorney call me back or email me.", (), (), ()),
    ("I would like to be contacted by a representative via phone or email.", (), (), ()),
    ("Every month I get an email from the credit bureau.", (), (), ()),
    ("I request that no telephone contact be made to my place of employment.", (), (), ()),
    ("This information was communicated repeatedly to the creditor.", (), (), ()),
    ("I reached out to them when my daughter was in hospital.", (), (), ()),
    ("They called me three times.", ("phone_call",), (), ("debtor",)),
    ("I was called at work.", ("phone_call",), ("EMPLOYER_CONTACT",), ("debtor",)),
    ("I keep getting calls every day.", ("phone_call",), ("FREQ_EXCESSIVE_CALLS",), ("debtor",)),
    ("They left me a voicemail.", ("voicemail",), (), ("debtor",)),
    ("I am constantly being harassed by their calls.", ("phone_call",), ("FREQ_EXCESSIVE_CALLS",), ("debtor",)),
    ("I asked them to stop calling my parents and they won't stop.", ("phone_call",), ("CEASE_IGNORED",), ("family",)),
    ("I asked them to stop calling and they did stop.", (), (), ()),
    ("I asked him to stop calling me.\n\nI have received voicemail messages from him again today.", ("voicemail",), ("CEASE_IGNORED",), ("debtor",)),
    ("I want criminal charges for fraud against them.", (), (), ()),
    ("He said I would be receiving a court summons regarding a theft and fraud investigation.", ("phone_call",), ("THREAT_ARREST_OR_CRIME",), ("debtor",)),
    ("The FDCPA prohibits the threat of arrest or imprisonment of any person. They called me twice.", ("phone_call",), (), ("debtor",)),
    ("They violated 1692c by calling me at work.", ("phone_call",), ("EMPLOYER_CONTACT",), ("debtor",)),
    ("They call the loan references multiple times. The references did not take out a loan. They disclose personal financial information.", ("phone_call",), ("THIRD_PARTY_DISCLOSURE",), ("emergency_contact",)),
    ("They call my sister. I do not know why. She has her own loan. I told the bank my personal information.", ("phone_call",), (), ("family",)),
    ("The collector said if I didnt pay they would call my HR department.", ("phone_call",), ("MISLEADING_CONSEQUENCES",), ("debtor",)),
    ("They would call my mother every day.", ("phone_call",), ("FREQ_EXCESSIVE_CALLS",), ("family",)),
    # a threatened contact is no contact: a threat, not an employer contact or a disclosure
    ("The collector threatened to tell my employer about the debt.", ("phone_call",), ("MISLEADING_CONSEQUENCES",), ("debtor",)),
    ("He kept threatening to call my mother and my boss.", ("phone_call",), ("MISLEADING_CONSEQUENCES",), ("debtor",)),
    # (the lawsuit the consumer calls a threat: en.threat.named_consequence)
    ("He threatened to sue me, then he called my sister and told her about the debt.", ("phone_call",), ("THIRD_PARTY_DISCLOSURE", "MISLEADING_CONSEQUENCES"), ("family",)),
    # the sentence's contact verb came before the threat ("called me a liar, stated will be calling")
    ("The supervisor called me a liar and stated will be calling my human resources manager.", ("phone_call",), ("ABUSIVE_LANGUAGE",), ("debtor",)),
    # losing a job is no contact with an employer
    ("Will they keep harassing me for losing my job years ago?", (), (), ()),
    ("They have never called my job or my family, they only send letters.", ("letter",), (), ("debtor",)),
    ("They never called me at night.", ("phone_call",), (), ("debtor",)),
    ("Nobody from the agency has ever contacted me by phone or by mail.", (), (), ()),
    ("He didnt tell me what company he was with.", (), ("NO_IDENTIFICATION",), ()),
    ("Woke up to a text at 5:30am from XXXX about my balance. Then another at 5:45.", ("sms",), ("TIME_INCONVENIENT",), ("debtor",)),
    ("A man came to my door, said he was an investigator with the police and would file the paperwork for my arrest.", ("visit_home",), ("THREAT_ARREST_OR_CRIME", "IMPERSONATION_OFFICIAL", "VISIT_IMPROPER"), ("debtor",)),
    ("She did not state what company she was calling from.", ("phone_call",), ("NO_IDENTIFICATION",), ("debtor",)),
    ("They call me 15+ times a day and tell my parents I owe a debt. I told them to stop contacting my parents and they refuse to stop.", ("phone_call",), ("FREQ_EXCESSIVE_CALLS", "THIRD_PARTY_DISCLOSURE", "CEASE_IGNORED"), ("family",)),
    ("My relatives told the company to not call back but they still do.", ("phone_call",), ("CEASE_IGNORED",), ("debtor",)),
    ("I have continued to receive calls from them irregardless of their promise to cease.", ("phone_call",), ("CEASE_IGNORED",), ("debtor",)),
    # speech of a non-collector (speech fallback only for a collector), negated lists,
    # robocall wording, consumer-initiated calls, catenative "continued to call"
    ("The loan officer reviewed my application. He said the collection account was a problem.", (), (), ()),
    ("My lawyer looked at the file and she said the debt was past the statute.", (), (), ()),
    ("The loan officer sent my file to the collection agency. They said I owe the balance.", ("phone_call",), (), ("debtor",)),
    ("The debt collector said I would be sued.", ("phone_call",), (), ("debtor",)),
    ("I was never given any notice through the mail, email, or text.", (), (), ()),
    ("They never sent a letter, an email, or a text before reporting it.", (), (), ()),
    ("They never wrote, but they texted and emailed me daily.", ("sms", "email"), (), ("debtor",)),
    ("I keep getting robo calls from them.", ("robocall",), (), ("debtor",)),
    ("A recorded voice asked me to press 1 to pay.", ("robocall",), (), ("debtor",)),
    ("After many phone calls I finally got a supervisor.", (), (), ()),
    ("They continued to call me after a cease and desist letter was sent.", ("phone_call",), ("CEASE_IGNORED",), ("debtor",)),
    ("I explained in text that the debt is not mine.", (), (), ()),
    ("They have called me repeateddly.", ("phone_call",), ("FREQ_EXCESSIVE_CALLS",), ("debtor",)),
])
def test_classify_cases__actor_model(text, methods, conducts, recipients):
    r = classify_narrative(text, "en", "US")
    assert (r.methods, r.conducts, r.recipients) == (methods, conducts, recipients)


# Blind-set C1 phrasings, generalised (patterns/en.toml): new phrasings and their traps.
@pytest.mark.parametrize("text,methods,conducts,recipients", [
    ("A man has been telephoning my home at 6:15 in the morning.", ("phone_call",), ("TIME_INCONVENIENT",), ("debtor",)),
    ("Some number I don't know left a voicemail at 11:40 pm, no name, no company.", ("voicemail",), ("TIME_INCONVENIENT", "NO_IDENTIFICATION"), ("debtor",)),
    ("Under the FDCPA, collectors cannot call before 8 a.m. or after 9 p.m.", (), (), ()),
    ("I am afraid they will start calling my employer.", (), (), ()),
    ("I work the night shift from 9 pm to 7 am. The collector calls around 2 pm.", ("phone_call",), (), ("debtor",)),
    ("They left me a voicemail calling me worthless trash and said I better watch my step.", ("voicemail",), ("ABUSIVE_LANGUAGE",), ("debtor",)),
    ("He said you better watch your back.", ("phone_call",), ("THREAT_VIOLENCE",), ("debtor",)),
    ("I told the collector I know exactly where their office is.", (), (), ()),
    ("A postcard came to my house from the agency.", ("postcard",), (), ("debtor",)),
    ("They texted me like 20-30 times a day.", ("sms",), ("FREQ_EXCESSIVE_MESSAGES",), ("debtor",)),
    ("I texted them 20 times a day asking for the payoff.", (), (), ()),
    ("I called them so many times to fix this.", (), (), ()),
    ("I had to take out a payday loan to pay rent.", (), (), ()),
    ("They called my husband and told him we should take out a payday loan to pay them off.", ("phone_call",), ("EXTRA_FEES_OR_NEW_LOANS",), ("spouse",)),
    ("I filed a police report for identity theft.", (), (), ()),
])
def test_classify_cases__blind_c1_phrasings(text, methods, conducts, recipients):
    r = classify_narrative(text, "en", "US")
    assert (r.methods, r.conducts, r.recipients) == (methods, conducts, recipients)


@pytest.mark.parametrize("text,expected", [
    # a stop request, then a contact that went on, in a later sentence (_cease_after_request)
    ("I sent them a cease and desist letter by certified mail. Since then I have received 9 more calls.", True),
    ("I asked them not to call me. I told them I have no information for them. "
     "I keep getting calls on my cell phone while I am at work.", True),
    ("I have asked them to remove the number from their list. Yet they still call 2-3 times a day.", True),
    ("I asked by certified letter not to be contacted by phone, yet another call came today.", True),
    ("Twice I wrote asking to not be called at my job. They keep calling the front desk.", True),
    ("The collectors were told not to contact me. They are calling all the time!", True),
    ("They kept calling me even after I had asked to be removed from their list.", True),
    # one sentence: contacts despite requests to stop or to take someone off the list
    ("My parents are still being harassed despite many requests to take them off the calling list.", True),
    ("They keep calling me despite my written request to stop.", True),
    # the contact stopped, the request was about something else, hypothetical, negated, or the
    # collector's own words
    ("I asked them to stop calling. They agreed and I have not heard from them since.", False),
    ("I asked them to stop the automatic withdrawals. They still call me every week about the balance.", False),
    ("She told me the only way to stop them from suing was to take a new loan. She called again the next day.", False),
    ("I will send them a cease and desist letter. They called again today.", False),
    ("I never asked them to stop. They still call me.", False),
    ("I asked them to stop calling. Nine months ago they called me twice.", False),
    ("I asked for my name to be removed from the account. They still call about the balance.", False),
])
def test_classify_cease_ignored__request_then_later_contact(text, expected):
    r = classify_narrative(text, "en")
    assert ("CEASE_IGNORED" in r.conducts) is expected
    if expected:
        ids = [e.pattern_id for e in r.evidence if e.code == "CEASE_IGNORED"]
        assert ids[0].startswith("en.cease_ignored"), ids


@pytest.mark.parametrize("text,expected", [
    # calls that went to the company or on the consumer's errand are the consumer's own
    ("After numerous calls to Citi I was asked to fax a copy of the check.", []),
    ("Repeated phone calls to rectify the situation have fallen on deaf ears.", []),
    ("I have since made multiple calls to SST regarding my payout.", []),
    ("Constant calls to the company went nowhere.", []),
    ("The agency refuses to fix it even after numerous calls to the agency.", []),
    # calls to a person are the collector's
    ("They made numerous calls to Mom about the debt.", ["FREQ_EXCESSIVE_CALLS"]),
    ("They made numerous calls to my sister.", ["FREQ_EXCESSIVE_CALLS"]),
    ("They made numerous calls to XXXX, my mother, about the debt.", ["FREQ_EXCESSIVE_CALLS"]),
])
def test_classify_frequency__calls_to_the_company_are_the_consumers(text, expected):
    assert [c for c in classify_narrative(text, "en").conducts if c.startswith("FREQ")] == expected


@pytest.mark.parametrize("text", [
    "I unsubscribed from their internet service. Since then the collector has contacted me several times.",
    "She advised they will cease giving out my information. I still get calls from other lenders.",
])
def test_classify_cease_ignored__no_stop_request_no_cease(text):
    assert "CEASE_IGNORED" not in classify_narrative(text, "en").conducts


@pytest.mark.parametrize("text,absent", [
    # no words of a collector: the consumer's judgement, a credit-report term, the consumer's own
    # word for a form
    ("Being read the same warning on every call? It's insulting and degrading.", "ABUSIVE_LANGUAGE"),
    ("The bank reported a derogatory claim and derogatory nature of the account.", "ABUSIVE_LANGUAGE"),
    ("They said my accounts would close unless I signed this stupid form.", "ABUSIVE_LANGUAGE"),
    # a wish, the consumer's past, a third party's act
    ("These collectors all need to be arrested.", "THREAT_ARREST_OR_CRIME"),
    ("It was my own fault for being put in jail back then.", "THREAT_ARREST_OR_CRIME"),
    ("The bank allowed a merchant to commit a crime with my card.", "THREAT_ARREST_OR_CRIME"),
    # leaving a situation is no detention
    ("The late mark hurt my credit so I couldn't leave this loan for a better one.", "DETENTION"),
    ("I called everyday and sent emails and was told the same every time.", "FREQ_EXCESSIVE_CALLS"),
    ("They called twice last month.", "FREQ_EXCESSIVE_CALLS"),
])
def test_classify_conducts__no_collector_act(text, absent):
    assert absent not in classify_narrative(text, "en").conducts


@pytest.mark.parametrize("text,present", [
    ("The collector called me stupid and said I was a deadbeat.", "ABUSIVE_LANGUAGE"),
    ("He made derogatory comments about my family.", "ABUSIVE_LANGUAGE"),
    ("The agent was insulting and degrading on every call.", "ABUSIVE_LANGUAGE"),
    ("They told me I would be arrested if I did not pay today.", "THREAT_ARREST_OR_CRIME"),
    # frequency, from the training errors: a bound is no negation, "twice a day", "everyday",
    # "non stop", a redacted count a day
    ("I get no less than 5 calls per day, 7 days a week.", "FREQ_EXCESSIVE_CALLS"),
    ("Now the lender calls me twice a day about the payment.", "FREQ_EXCESSIVE_CALLS"),
    ("I set up a plan and yet they keep calling everyday.", "FREQ_EXCESSIVE_CALLS"),
    ("The agency has been calling my cell non stop since May.", "FREQ_EXCESSIVE_CALLS"),
    ("They call my house XXXX times a day.", "FREQ_EXCESSIVE_CALLS"),
    # third parties, from the training errors: detailed messages left on a relative's phone, a
    # sibling the company released information to, a receptionist
    ("They keep leaving very detailed messages on my parents home phone about the balance I owe.", "THIRD_PARTY_DISCLOSURE"),
    ("The lender released my personal information to a sibling.", "THIRD_PARTY_DISCLOSURE"),
    ("The collector told my receptionist that they would take my bank account.", "EMPLOYER_CONTACT"),
])
def test_classify_conducts__the_collectors_act_stays(text, present):
    assert present in classify_narrative(text, "en").conducts


def test_classify_engine__a_mention_inside_a_longer_one_is_dropped_in_one_sweep():
    """engine._outermost: "calls" inside "robocalls" goes, equal spans stay, order is kept."""
    from types import SimpleNamespace as M
    from analysis.classify.engine import _outermost
    robo, calls, calls2, later, inner = M(start=5, end=14), M(start=9, end=14), M(start=9, end=14), \
        M(start=20, end=25), M(start=21, end=24)
    assert _outermost([calls, robo, later, calls2, inner]) == [robo, later]
    assert _outermost([calls, calls2]) == [calls, calls2]
    assert _outermost([]) == []


def test_classify_engine__a_very_long_narrative_gives_the_labels_of_its_sentence():
    """A 1 MB narrative of one repeated sentence (an upload meant to stall imports) is read
    through, with the labels that sentence gives alone (the passes are linear: see the note of
    issue 12 for the times)."""
    s = "They called me at 11pm and told my mother about the debt. "
    one = classify_narrative(s, "en")
    many = classify_narrative(s * (1_000_000 // len(s)), "en")
    assert sorted(many.conducts) == sorted(one.conducts) and "TIME_INCONVENIENT" in one.conducts
    assert {(i.method_code, i.recipient_code) for i in many.incidents} == \
        {(i.method_code, i.recipient_code) for i in one.incidents}


# --- rules round of 2026-12-06 (fourth session), own wording -----------------------------------
@pytest.mark.parametrize("text,code", [
    ("I asked the agent to stop calling me, but they won't.", "CEASE_IGNORED"),
    ("The bank was asked to cease all phone contact but has continued calling my cell.", "CEASE_IGNORED"),
    ("When I asked them to please stop, they said they can't take me off the list.", "CEASE_IGNORED"),
    ("They phoned my brother and me after we both requested not be contacted by phone.", "CEASE_IGNORED"),
    ("Calls all week. Have asked many times to stop calling at work.", "CEASE_IGNORED"),
    ("The collector phones me about 3x per day.", "FREQ_EXCESSIVE_CALLS"),
    ("They call my cell and my office line and my home no less than 9 times a day.", "FREQ_EXCESSIVE_CALLS"),
    ("The agency disclosed my private information to my neighbors.", "THIRD_PARTY_DISCLOSURE"),
    ("A rep went to my office and let my boss know I was behind on payments.", "THIRD_PARTY_DISCLOSURE"),
    ("A recorded call said a courier would be delivering court documents to my home.", "MISLEADING_CONSEQUENCES"),
    ("The man said I would be served at my job this afternoon unless I paid.", "MISLEADING_CONSEQUENCES"),
])
def test_classify_en__round_of_the_fourth_session_gives_the_conduct(text, code):
    assert code in classify_narrative(text, "en").conducts


@pytest.mark.parametrize("text,code", [
    ("I asked them to stop the autopay and they did it the same day.", "CEASE_IGNORED"),
    ("I told him not to call my parents because they would not be paying this.", "CEASE_IGNORED"),
    ("I asked them to stop calling but they refused to give me a mailing address.", "CEASE_IGNORED"),
    ("I had to let my manager know I would miss the meeting.", "THIRD_PARTY_DISCLOSURE"),
    ("I shared my account details with the lender when I applied.", "THIRD_PARTY_DISCLOSURE"),
    ("I was served with a summons in March and went to court.", "MISLEADING_CONSEQUENCES"),
    ("The collector failed to properly serve me with the complaint.", "MISLEADING_CONSEQUENCES"),
])
def test_classify_en__round_of_the_fourth_session_traps(text, code):
    assert code not in classify_narrative(text, "en").conducts


# --- precision round of 2026-12-06 (fifth session), own wording: false labels of the rules on
# --- real training narratives, each with a sentence that must keep its label -------------------
@pytest.mark.parametrize("text,code", [
    ("This agency has been harassing me every three hours since Monday.", "FREQ_EXCESSIVE_CALLS"),
    ("They keep calling me constantly about a bill I paid.", "FREQ_EXCESSIVE_CALLS"),
    ("Repeated telephone harassment of my mother over a card I never opened.", "FREQ_EXCESSIVE_CALLS"),
    ("The rep told me they would garnish my wages on Friday if I did not pay.", "MISLEADING_CONSEQUENCES"),
    ("The letter said they were starting a garnishment next week.", "MISLEADING_CONSEQUENCES"),
    ("The collector phoned my supervisor and told her about my debt.", "THIRD_PARTY_DISCLOSURE"),
    ("They keep calling me at my job.", "EMPLOYER_CONTACT"),
    ("A man claiming to be an attorney called me twice.", "IMPERSONATION_ATTORNEY"),
    ("I looked up the firm and there is no such attorney licensed here.", "IMPERSONATION_ATTORNEY"),
])
def test_classify_en__precision_round_keeps_the_conduct(text, code):
    assert code in classify_narrative(text, "en").conducts


@pytest.mark.parametrize("text,code", [
    # a frequency word on harassment with no call or message word is no call frequency
    ("The bank is constantly harassing me about an account that was closed.", "FREQ_EXCESSIVE_CALLS"),
    ("They continuously harass me by reporting a debt I don't owe.", "FREQ_EXCESSIVE_CALLS"),
    ("I called every hour to ask where my refund was.", "FREQ_EXCESSIVE_CALLS"),
    ("Their site lists my telephone number in order to constantly harass people.", "FREQ_EXCESSIVE_CALLS"),
    # a garnishment or repossession that happened is no threat
    ("They are causing me hardship by garnishing my bank account.", "MISLEADING_CONSEQUENCES"),
    ("The agency started the garnishment again in May.", "MISLEADING_CONSEQUENCES"),
    ("She argued they were justified in taking my car over missing paperwork.", "MISLEADING_CONSEQUENCES"),
    # the consumer reached at work is no third party told of the debt
    ("The collector called me at my place of employment about the debt.", "THIRD_PARTY_DISCLOSURE"),
    ("Months later I got a call at my job from an agency saying I owe them.", "THIRD_PARTY_DISCLOSURE"),
    # a threat to come to the workplace is no contact of the employer
    ("A voicemail came stating they would come to my place of work to serve me.", "EMPLOYER_CONTACT"),
    ("He hung up after a threat of calling my employer.", "EMPLOYER_CONTACT"),
    # looking for a lawyer, and "attorney/client", are no impersonation
    ("Now I will look for an attorney to take this to court.", "IMPERSONATION_ATTORNEY"),
    ("There is no attorney/client relationship between my friend and me.", "IMPERSONATION_ATTORNEY"),
])
def test_classify_en__precision_round_traps(text, code):
    assert code not in classify_narrative(text, "en").conducts
