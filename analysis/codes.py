"""Code lists of Collection Watch (source: ../shared/DOMAIN.md, "Code lists").

Every coded column in the database stores the *code*; the UI and every export show the
label in the user's language. Category order and colours come from here, so the same
method has the same colour on every page and in every export.

Public API
----------
``CODE_LISTS``: ``dict[str, list[Code]]`` keyed by code-list name (``method``,
``recipient``, ``conduct``, ``debt_issue``, ``filed_with``, ``submission_medium``,
``outcome``, ``demand``, ``time_precision``, ``time_source``, ``jurisdiction``,
``label_kind``, ``label_source``, ``review_decision``, ``daypart``).

``label(list_name, code, lang)`` -> str, ``codes(list_name)`` -> list[str],
``color(list_name, code)`` -> str (hex), ``code_table()`` -> pandas DataFrame.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Code:
    """One code of a code list: stored ``code``, English and Chinese labels, optional family."""

    code: str
    en: str
    zh: str
    family: str = ""


# A qualitative palette that stays readable in print and for most colour-blind readers
# (Okabe-Ito first, then Tableau-like extensions).
_PALETTE = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
    "#000000", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#6A3D9A", "#FB9A99",
    "#B2DF8A", "#FDBF6F", "#CAB2D6", "#A6761D", "#E31A1C", "#393B79",
]

CODE_LISTS: dict[str, list[Code]] = {
    "method": [
        Code("phone_call", "Phone call", "电话"),
        Code("voicemail", "Voicemail", "语音留言"),
        Code("robocall", "Robocall / call flood", "自动外呼/呼死你"),
        Code("sms", "SMS", "短信"),
        Code("im", "Instant messaging", "即时通讯"),
        Code("email", "Email", "电子邮件"),
        Code("letter", "Letter", "信函/律师函"),
        Code("postcard", "Postcard", "明信片"),
        Code("social_media_public", "Public social media", "公开社交媒体"),
        Code("social_media_private", "Social media private message", "社交媒体私信"),
        Code("visit_home", "Home visit", "上门(住所)"),
        Code("visit_work", "Workplace visit", "上门(单位)"),
        Code("unknown", "Unknown", "未知"),
    ],
    "recipient": [
        Code("debtor", "Debtor", "本人"),
        Code("spouse", "Spouse", "配偶"),
        Code("family", "Family", "家人亲属"),
        Code("emergency_contact", "Emergency contact", "紧急联系人"),
        Code("contact_list", "Contact-list members", "通讯录联系人"),
        Code("employer_or_coworker", "Employer / coworkers", "单位/同事"),
        Code("neighbor_or_friend", "Neighbour / friend", "邻居/朋友"),
        Code("public", "The public", "公众"),
        Code("unknown", "Unknown", "未知"),
    ],
    "conduct": [
        Code("TIME_INCONVENIENT", "Contact at inconvenient hours", "非合理时间催收", "time"),
        Code("FREQ_EXCESSIVE_CALLS", "Excessive calls", "频繁来电", "frequency"),
        Code("FREQ_EXCESSIVE_MESSAGES", "Message bombing", "短信/消息轰炸", "frequency"),
        Code("THIRD_PARTY_DISCLOSURE", "Disclosure to third parties", "向第三方透露债务", "third_parties"),
        Code("CONTACT_LIST_BLAST", "Contact-list blasting", "爆通讯录", "third_parties"),
        Code("EMPLOYER_CONTACT", "Contacting employer", "联系单位", "third_parties"),
        Code("PUBLIC_SHAMING", "Public shaming", "公开曝光/P图", "privacy"),
        Code("THREAT_VIOLENCE", "Threat of violence", "威胁人身安全", "threats"),
        Code("THREAT_ARREST_OR_CRIME", "Threat of arrest / accusing of crime", "威胁抓捕/称涉嫌犯罪", "threats"),
        Code("MISLEADING_CONSEQUENCES", "Misleading consequences", "夸大后果/虚构黑名单", "threats"),
        Code("ABUSIVE_LANGUAGE", "Abusive language", "辱骂", "abuse"),
        Code("IMPERSONATION_OFFICIAL", "Impersonating officials", "冒充公检法/政府", "deception"),
        Code("IMPERSONATION_ATTORNEY", "Impersonating an attorney", "冒充律师/假律师函", "deception"),
        Code("NO_IDENTIFICATION", "No identification", "不表明身份", "deception"),
        Code("VISIT_IMPROPER", "Improper visit", "违规上门", "visits"),
        Code("DETENTION", "Detention", "限制人身自由", "visits"),
        Code("CEASE_IGNORED", "Request to stop ignored", "要求停止后仍联系", "consent"),
        Code("PRIVATE_CHANNEL_USE", "Private number / WeChat collection", "私人号码/微信催收", "consent"),
        Code("EXTRA_FEES_OR_NEW_LOANS", "Collection fees / new loans to repay", "收取催收费/诱导借新还旧", "money"),
    ],
    "debt_issue": [
        Code("DEBT_NOT_OWED", "Debt not owed", "非本人债务"),
        Code("DEBT_PAID", "Debt already paid", "债务已还清"),
        Code("IDENTITY_THEFT", "Identity theft", "身份被冒用"),
        Code("DEBT_DISCHARGED", "Debt discharged", "债务已免除"),
        Code("VALIDATION_NOT_PROVIDED", "Validation not provided", "未提供债务核实信息"),
        Code("WRONG_AMOUNT", "Wrong amount", "金额错误"),
        Code("FEES_OR_INTEREST", "Fees or interest", "息费/担保费/会员费"),
        Code("CREDIT_REPORT", "Credit report", "征信"),
        Code("LAWSUIT_PROCESS", "Lawsuit process", "诉讼程序"),
        Code("OTHER", "Other", "其他"),
    ],
    "filed_with": [
        Code("company", "Company", "平台/公司客服"),
        Code("consumer_association", "Consumer association / 12315", "消费者协会/12315"),
        Code("financial_regulator", "Financial regulator", "金融监管"),
        Code("industry_association", "Industry association", "行业协会"),
        Code("complaint_platform", "Complaint platform", "投诉平台"),
        Code("social_media", "Social media", "社交媒体"),
        Code("police", "Police", "公安/110"),
        Code("court", "Court", "法院"),
        Code("other", "Other", "其他"),
    ],
    "submission_medium": [
        Code("web", "Web", "网页"),
        Code("app", "App", "应用"),
        Code("phone", "Phone", "电话"),
        Code("postal_mail", "Postal mail", "邮寄"),
        Code("fax", "Fax", "传真"),
        Code("email", "Email", "电子邮件"),
        Code("referral", "Referral", "转介"),
        Code("in_person", "In person", "现场"),
        Code("social_media", "Social media", "社交媒体"),
        Code("other", "Other", "其他"),
    ],
    "outcome": [
        Code("monetary_relief", "Monetary relief", "获得金钱补偿/退费"),
        Code("non_monetary_relief", "Non-monetary relief", "获得非金钱救济"),
        Code("explained", "Closed with explanation", "给予解释后结案"),
        Code("closed", "Closed (no explanation)", "结案(无说明)"),
        Code("rejected", "Rejected", "不予受理/驳回"),
        Code("no_response", "No / late response", "未回复/逾期未答复"),
        Code("in_progress", "In progress", "处理中"),
        Code("referred", "Referred", "转办/升级"),
        Code("withdrawn", "Withdrawn", "撤诉/撤回"),
    ],
    "demand": [
        Code("STOP_HARASSMENT", "Stop harassment", "停止骚扰"),
        Code("APOLOGY_OR_COMPENSATION", "Apology or compensation", "道歉赔偿"),
        Code("REFUND_FEES", "Refund fees", "退息费/退担保费/退会员费"),
        Code("REPAYMENT_PLAN", "Repayment plan", "协商还款/分期/延期"),
        Code("CORRECT_CREDIT_REPORT", "Correct credit report", "撤销征信问题"),
        Code("PUNISH_COLLECTOR", "Punish the collector", "处罚"),
        Code("WRITE_OFF", "Write off", "销账"),
        Code("EXPLANATION", "Explanation", "解释"),
        Code("OTHER", "Other", "其他"),
    ],
    "time_precision": [
        Code("exact", "Exact clock time", "精确时刻"),
        Code("daypart", "Part of day only", "仅时段"),
        Code("outside_window_only", "Outside-hours flag only", "仅有“时段外”标记"),
        Code("date_only", "Date only", "仅日期"),
        Code("unknown", "No time", "无时间"),
    ],
    "time_source": [
        Code("field", "Structured field", "结构化字段"),
        Code("narrative", "Narrative", "投诉正文"),
        Code("issue_code", "Issue / sub-issue code", "问题分类"),
        Code("review", "Entered by a reviewer", "复核人补充"),
    ],
    "jurisdiction": [
        Code("CN", "China", "中国"),
        Code("US", "United States", "美国"),
        Code("UK", "United Kingdom", "英国"),
    ],
    "label_kind": [
        Code("conduct", "Conduct", "不当催收行为"),
        Code("debt_issue", "Debt issue", "债务争议"),
        Code("demand", "Demand", "诉求"),
    ],
    "label_source": [
        Code("issue_code", "Issue / sub-issue code", "问题分类"),
        Code("narrative", "Narrative", "投诉正文"),
        Code("field", "Structured field", "结构化字段"),
        Code("model", "Model suggestion", "模型建议"),
        Code("review", "Reviewer", "人工复核"),
    ],
    "review_decision": [
        Code("confirm", "Confirmed", "确认"),
        Code("reject", "Rejected", "否定"),
        Code("add", "Added", "补充"),
        Code("reopen", "Reopened: evidence changed since the review", "重新打开：复核后证据有变"),
    ],
    "daypart": [
        Code("early_morning", "Small hours (00–05)", "凌晨"),
        Code("morning", "Early morning (05–09)", "早上"),
        Code("forenoon", "Morning (09–12)", "上午"),
        Code("noon", "Noon (11–13)", "中午"),
        Code("afternoon", "Afternoon (12–18)", "下午"),
        Code("evening", "Evening (17–19)", "傍晚"),
        Code("night", "Night (18–24)", "晚上"),
        Code("late_night", "Late night (23–04)", "半夜/深夜"),
        Code("daytime", "Daytime", "白天"),
    ],
    "time_rule_status": [
        Code("outside", "Outside permitted hours", "允许时段外"),
        Code("boundary", "Boundary case", "边界情形"),
        Code("inside", "Within permitted hours", "允许时段内"),
        Code("unknown", "Unknown", "未知"),
    ],
}

WEEKDAYS = [
    Code("1", "Mon", "周一"), Code("2", "Tue", "周二"), Code("3", "Wed", "周三"),
    Code("4", "Thu", "周四"), Code("5", "Fri", "周五"), Code("6", "Sat", "周六"),
    Code("7", "Sun", "周日"),
]

_INDEX = {name: {c.code: c for c in items} for name, items in CODE_LISTS.items()}

#: Lists whose colours carry meaning (outcomes: relief green, refusals red, pending yellow).
_SEMANTIC_COLORS = {
    "outcome": {
        "monetary_relief": "#1B7837", "non_monetary_relief": "#7FBF7B", "explained": "#4575B4",
        "closed": "#ABABAB", "rejected": "#D73027", "no_response": "#8C1A10", "in_progress": "#F6C141",
        "referred": "#9970AB", "withdrawn": "#D9D9D9",
    },
    "time_precision": {
        "exact": "#0072B2", "daypart": "#56B4E9", "outside_window_only": "#E69F00",
        "date_only": "#BDBDBD", "unknown": "#E0E0E0",
    },
}


def codes(list_name: str) -> list[str]:
    """Return the codes of ``list_name`` in display order.

    Raises ``KeyError`` for an unknown list name.
    """
    return [c.code for c in CODE_LISTS[list_name]]


def is_code(list_name: str, value: str) -> bool:
    """True when ``value`` is a code of ``list_name``."""
    return value in _INDEX[list_name]


def label(list_name: str, code: str | None, lang: str = "en") -> str:
    """Label of ``code`` in ``lang`` (``"en"`` or ``"zh"``).

    ``None`` gives "Not recorded" / "未记录"; a code outside the list is returned as is,
    so an unexpected value is visible rather than hidden.
    """
    if code is None or (isinstance(code, float) and code != code):
        return "未记录" if lang == "zh" else "Not recorded"
    item = _INDEX[list_name].get(code)
    if item is None:
        return str(code)
    return item.zh if lang == "zh" else item.en


def labels(list_name: str, lang: str = "en") -> dict[str, str]:
    """``{code: label}`` of a whole list in display order."""
    return {c.code: (c.zh if lang == "zh" else c.en) for c in CODE_LISTS[list_name]}


def color(list_name: str, code: str | None) -> str:
    """Stable hex colour of ``code`` within ``list_name`` (grey for unknown / missing)."""
    semantic = _SEMANTIC_COLORS.get(list_name, {})
    if code in semantic:
        return semantic[code]
    if code is None or code not in _INDEX[list_name] or code in ("unknown", "OTHER", "other"):
        return "#9E9E9E"
    return _PALETTE[codes(list_name).index(code) % len(_PALETTE)]


def color_map(list_name: str, lang: str | None = None) -> dict[str, str]:
    """``{code or label: colour}`` for plotly ``color_discrete_map``.

    With ``lang`` the keys are labels in that language (for charts whose categories are
    already translated), otherwise codes.
    """
    out = {}
    for c in CODE_LISTS[list_name]:
        key = label(list_name, c.code, lang) if lang else c.code
        out[key] = color(list_name, c.code)
    return out


def weekday_label(iso_weekday: int, lang: str = "en") -> str:
    """Label of ISO weekday 1 (Monday) .. 7 (Sunday)."""
    item = WEEKDAYS[int(iso_weekday) - 1]
    return item.zh if lang == "zh" else item.en


def code_table() -> pd.DataFrame:
    """All code lists as one table, for the database's ``code_labels`` table.

    Returns a DataFrame with columns ``code_list`` (str), ``code`` (str), ``label_en``
    (str), ``label_zh`` (str), ``family`` (str, "" when none), ``sort_order`` (int64,
    0-based position within its list).
    """
    rows = [
        (name, c.code, c.en, c.zh, c.family, i)
        for name, items in CODE_LISTS.items()
        for i, c in enumerate(items)
    ]
    return pd.DataFrame(
        rows, columns=["code_list", "code", "label_en", "label_zh", "family", "sort_order"]
    ).astype({"sort_order": "int64"})
