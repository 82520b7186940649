"""Personal data never stored in the clear: masking of identifiers in free text, and salted
hashes of collectors' numbers.

``mask_text(text)`` replaces, in this order, every

* e-mail address → 【邮箱】 / [EMAIL]
* 18-digit resident ID number whose check digit is valid (GB 11643) → 【身份证号】 / [ID]
* 15-digit first-generation resident ID number (no check digit: a province code 11–82 and a
  valid YYMMDD birth date) → 【身份证号】 / [ID]
* bank card number, 13–19 digits (groups may be separated by spaces, hyphens or dots),
  Luhn-valid → 【银行卡号】 / [CARD]
* phone number: mainland mobile (1[3-9]…, 11 digits) → 【手机号】 / [PHONE]; landlines such as
  010-12345678 or 0755-1234567, with or without +86, and international numbers (parsed and
  validated with the ``phonenumbers`` library, CN and US conventions; in structured cells a
  North American number written with separators) → 【电话号码】 / [PHONE]. Digits may be
  separated by spaces, hyphens or dots, and full-width digits (１３８…) are read as digits
* QQ number after a cue (QQ, qq号, 扣扣, 企鹅号) → 【QQ】 / [QQ]
* a name after a cue (姓名, 名字, 我叫, 本人, 我是 + a common surname; "My name is", "Name:")
  → 【姓名】 / [NAME]

Chinese-style tokens are used when the text contains Chinese characters, bracketed English
tokens otherwise. The cue words are kept, so "我叫张三" becomes "我叫【姓名】".

``hash_number(number, salt)`` keeps a collector's number as an HMAC-SHA256 of its normalised
form (E.164 where it can be parsed), so repeat numbers can be counted without being shown.
The salt is per database (``meta_pii_salt``, created on first use by ``get_salt``) unless
``$COLLECTION_WATCH_SALT`` is set. A salt stored beside the hashes stops casual reading and
cross-database linking, not a determined attacker with the file (the number space is small):
treat the database file itself as confidential.
"""
from __future__ import annotations

import hashlib
from datetime import date
import hmac
import os
import re
import secrets
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

SALT_ENV = "COLLECTION_WATCH_SALT"

TOKENS = {
    # kind: (Chinese token, English token)
    "phone_mobile": ("【手机号】", "[PHONE]"),
    "phone": ("【电话号码】", "[PHONE]"),
    "id": ("【身份证号】", "[ID]"),
    "card": ("【银行卡号】", "[CARD]"),
    "email": ("【邮箱】", "[EMAIL]"),
    "qq": ("【QQ】", "[QQ]"),
    "name": ("【姓名】", "[NAME]"),
}
_ANY_TOKEN = re.compile("|".join(re.escape(t) for pair in TOKENS.values() for t in pair))

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: An e-mail address (local part at most 64 characters, RFC 5321). It starts only where a run
#: of local-part characters starts and each part is bounded, so a long run without "@" (a row
#: of dashes, a hex dump) is read once, not once per character (which took minutes).
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
                    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9-])")
#: An 18-digit resident ID, also written in groups (6-8-4 or 6-4-4-4, by spaces or hyphens).
_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}[ .-]?(?:18|19|20)\d{2}[ .-]?(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                   r"[ .-]?\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])((?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])\d{4}"
                   r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![\d])(\d(?:[ .-]?\d){12,18})(?![\d])")
_MOBILE = re.compile(r"(?<![\d])(?:(?:\+|00)?86[ .-]?)?1[3-9]\d(?:[ .-]?\d{4}){2}(?![\d])")
_LANDLINE = re.compile(r"(?<![\d])(?:(?:\+|00)?86[ .-]?)?(?:\(0\d{2,3}\)|0\d{2,3})[ .-]?\d{7,8}(?![\d])")
#: A North American number written with separators ((212) 736-5000, 212.736.5000, +1 212-736-5000):
#: the identifier pattern for structured cells, where the phone library is not used.
_NANP = re.compile(r"(?<![\d])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\d])")
_QQ = re.compile(r"(?i)((?:QQ号?码?|qq号|扣扣号?|企鹅号)\s*(?:号码)?\s*[:：是为]?\s*)(\d{5,12})(?!\d)")
# Common surnames (the most frequent ~120): names after weak cues (本人 / 我是) need one.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
             "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单")
_NAME_STRONG = re.compile(r"((?:姓名|名字|我叫|联系人)\s*[:：是为]?\s*)([\u4e00-\u9fff·]{2,4}?)(?=[^\u4e00-\u9fff]|$|[，。、,是的在于])")
_NAME_WEAK = re.compile(r"((?:本人|我是)\s*)([" + _SURNAMES + r"][\u4e00-\u9fff]{1,2})(?=[\s,，。、;；:：(（]|$)")
#: The cue in any case; the name itself capitalised (not "XXXX", CFPB's own redaction, nor "and").
_NAME_EN = re.compile(r"((?i:my name is|i am called|name:))\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})")
#: Seven or more digits with at most three separators between any two: the only text the
#: phone-number library is asked about (amounts such as $1,200.00 never qualify).
_PHONE_CANDIDATE = re.compile(r"\d(?:[\s().\-/~]{0,3}\d){6,}")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_PREFILTER = re.compile(r"\d{5}|\d[ -]\d|\d{3}\.\d{3}|\d{3}\)|@|(?i:qq)|扣扣|企鹅|姓名|名字|我叫|联系人|本人|我是|(?i:name)")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_valid_resident_id(number: str) -> bool:
    """True for an 18-character PRC resident ID whose check digit (ISO 7064 MOD 11-2) is right."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def is_first_generation_id(number: str) -> bool:
    """True for a 15-digit first-generation PRC resident ID (issued until 2004, still seen in
    old contracts): province code 11–82 and a real birth date 19YYMMDD at digits 7–12. There
    is no check digit, so this is a plausibility test, not a validation."""
    if len(number) != 15 or not number.isdigit():
        return False
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def is_luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn check (bank cards)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mask_text(text: str | None, *, structured: bool = False) -> str | None:
    """``text`` with every personal identifier replaced by a typed token (see the module
    docstring). None and text without any candidate pass through unchanged.
    ``structured``: the text is a date, time, amount or code cell; only the identifier
    patterns apply (mobile, resident ID, card, e-mail, landline, North American number written
    with separators, QQ), not the phone-number
    library, which reads dates such as "2024-13-45 10" as a US number."""
    if text is None or not isinstance(text, str) or not _PREFILTER.search(text):
        return text
    return _mask_cached(text, structured)


def mask_counts(text: str | None) -> dict[str, int]:
    """How many identifiers of each kind ``mask_text`` replaces in ``text`` (for reports)."""
    masked = mask_text(text)
    out: dict[str, int] = {}
    if masked is None:
        return out
    for kind, pair in TOKENS.items():
        n = sum(masked.count(t) for t in pair) - sum((text or "").count(t) for t in pair)
        if n:
            out[kind] = n
    return out


@lru_cache(maxsize=200_000)
def _mask_cached(text: str, structured: bool = False) -> str:
    text = text.translate(_FULL_WIDTH_DIGITS)  # １３８… is read (and stored) as 138…
    zh = bool(_CJK.search(text))

    def tok(kind: str) -> str:
        return TOKENS[kind][0 if zh else 1]

    if "@" in text:
        text = _EMAIL.sub(lambda m: tok("email"), text)
    text = _ID18.sub(lambda m: tok("id") if is_valid_resident_id(re.sub(r"[ .-]", "", m.group(1))) else m.group(0),
                     text)
    text = _ID15.sub(lambda m: tok("id") if is_first_generation_id(m.group(1)) else m.group(0), text)

    def card(m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(1))
        return tok("card") if 13 <= len(digits) <= 19 and is_luhn_valid(digits) else m.group(0)

    text = _MOBILE.sub(lambda m: tok("phone_mobile"), text)
    text = _LANDLINE.sub(lambda m: tok("phone"), text)
    text = _CARD.sub(card, text)
    text = _QQ.sub(lambda m: m.group(1) + tok("qq"), text)
    text = _NANP.sub(lambda m: tok("phone"), text)
    if not structured and _PHONE_CANDIDATE.search(text):
        text = _mask_library_phones(text, tok("phone"))
    text = _NAME_STRONG.sub(lambda m: m.group(1) + tok("name"), text)
    text = _NAME_WEAK.sub(lambda m: m.group(1) + tok("name"), text)
    text = _NAME_EN.sub(lambda m: m.group(1) + " " + tok("name"), text)
    return text


def _mask_library_phones(text: str, token: str) -> str:
    # The library reads only the candidate runs of digits, each with ten characters either
    # side ("+1 ", "(" before; the ":58" by which it tells a time stamp after): the same
    # numbers as over the whole text, at a fraction of the cost on long narratives.
    spans: list[tuple[int, int]] = []
    for c in _PHONE_CANDIDATE.finditer(text):
        lo, hi = max(0, c.start() - 10), min(len(text), c.end() + 10)
        for region in ("CN", "US"):
            for m in PhoneNumberMatcher(text[lo:hi], region, leniency=Leniency.VALID):
                spans.append((lo + m.start, lo + m.end))
    if not spans:
        return text
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        out.append(text[pos:s])
        out.append(token)
        pos = e
    out.append(text[pos:])
    return "".join(out)


# ------------------------------------------------------------------------------------------
# Collectors' numbers: salted hashes
# ------------------------------------------------------------------------------------------

def normalise_number(number: str, region: str = "CN") -> str | None:
    """A phone number in a canonical form (E.164 where it parses, else its digits), or None
    when it holds no digits. ``region``: the convention for numbers without a country code."""
    raw = (number or "").strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return None
    if re.fullmatch(r"(?:86)?1[3-9]\d{9}", digits) and (region == "CN" or raw.startswith("+86") or len(digits) == 13):
        return "+86" + digits[-11:]
    if region == "US" and len(digits) == 10 and not raw.startswith("+"):
        return "+1" + digits
    try:
        parsed = phonenumbers.parse(raw, region)
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return digits


def hash_number(number: str | None, salt: str, region: str = "CN") -> str | None:
    """HMAC-SHA256 (hex) of the normalised number with ``salt``; None for an empty number."""
    norm = normalise_number(number or "", region)
    if norm is None:
        return None
    return hmac.new(salt.encode("utf-8"), norm.encode("utf-8"), hashlib.sha256).hexdigest()


def get_salt(con) -> str:
    """The salt for ``hash_number``: ``$COLLECTION_WATCH_SALT`` if set, else the database's own
    (``meta_pii_salt``; a random 256-bit salt is created and stored on first use)."""
    env = os.environ.get(SALT_ENV)
    if env:
        return env
    con.execute("CREATE TABLE IF NOT EXISTS meta_pii_salt (salt VARCHAR, created_at TIMESTAMP)")
    row = con.execute("SELECT salt FROM meta_pii_salt ORDER BY created_at LIMIT 1").fetchone()
    if row:
        return row[0]
    salt = secrets.token_hex(32)
    con.execute("INSERT INTO meta_pii_salt VALUES (?, now()::TIMESTAMP)", [salt])
    return salt


def contains_token(text: str | None) -> bool:
    """True when ``text`` holds a masking token."""
    return bool(text and _ANY_TOKEN.search(text))
