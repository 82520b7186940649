"""The data model: every table and public view, each column with its type and meaning.

This module is the single source of the database DDL *and* of the data dictionary shown on
the Data page and in README.md (``python -m analysis.schema --markdown``), so the two
cannot drift apart.

Layers (../shared/HOUSE_STYLE.md): ``raw_*`` (source as it came, all text) → ``core_*``
(typed, coded against the code lists) → ``mart_*`` (wide facts the pages query) and the
documented public views ``complaints``, ``incidents``, ``complaint_labels``.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: ``name``, DuckDB ``type``, English and Chinese descriptions."""

    name: str
    type: str
    en: str
    zh: str


#: The data layers, in order, with their names for the data dictionary (English, Chinese):
#: rows as imported (raw), cleaned and classified (core), aggregated for the pages (mart),
#: the public views analysts query, and the store's own bookkeeping (meta).
LAYERS: dict[str, tuple[str, str]] = {
    "meta": ("bookkeeping", "管理信息"),
    "raw": ("raw (as imported)", "原始层（按导入原样）"),
    "core": ("core (cleaned, classified)", "核心层（清洗、分类后）"),
    "mart": ("mart (aggregated)", "汇总层"),
    "view": ("public view", "公开视图"),
}


def layer_label(layer: str, lang: str) -> str:
    """The name of a data layer of ``LAYERS`` in ``lang`` ("en" or "zh"). Raises ``KeyError``
    for a layer not in ``LAYERS``."""
    return LAYERS[layer][1 if lang == "zh" else 0]


@dataclass(frozen=True)
class Table:
    """One table or view: name, layer (a key of ``LAYERS``), description, columns, optional
    primary key."""

    name: str
    layer: str
    en: str
    zh: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    def ddl(self) -> str:
        """``CREATE TABLE IF NOT EXISTS`` statement of this table (views have none)."""
        cols = ",\n  ".join(f"{c.name} {c.type}" for c in self.columns)
        pk = f",\n  PRIMARY KEY ({', '.join(self.primary_key)})" if self.primary_key else ""
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  {cols}{pk}\n)"


C = Column

_CFPB_RAW_COLUMNS = (
    C("date_received", "VARCHAR", "Date received, as in the file", "收到日期（原文）"),
    C("product", "VARCHAR", "Product", "产品"),
    C("sub_product", "VARCHAR", "Sub-product", "子产品"),
    C("issue", "VARCHAR", "Issue", "问题"),
    C("sub_issue", "VARCHAR", "Sub-issue", "子问题"),
    C("consumer_complaint_narrative", "VARCHAR", "Consumer complaint narrative", "投诉正文"),
    C("company_public_response", "VARCHAR", "Company public response", "公司公开回复"),
    C("company", "VARCHAR", "Company", "公司"),
    C("state", "VARCHAR", "State", "州"),
    C("zip_code", "VARCHAR", "ZIP code", "邮编"),
    C("tags", "VARCHAR", "Tags", "标签"),
    C("consumer_consent_provided", "VARCHAR", "Consumer consent provided?", "是否同意公开"),
    C("submitted_via", "VARCHAR", "Submitted via", "提交方式"),
    C("date_sent_to_company", "VARCHAR", "Date sent to company", "转交公司日期"),
    C("company_response_to_consumer", "VARCHAR", "Company response to consumer", "公司答复"),
    C("timely_response", "VARCHAR", "Timely response?", "是否及时答复"),
    C("consumer_disputed", "VARCHAR", "Consumer disputed?", "消费者是否异议"),
    C("complaint_id", "VARCHAR", "Complaint ID", "投诉编号"),
)

#: CFPB CSV header → raw column. Older exports lack some of these (DOMAIN.md).
CFPB_HEADER_TO_RAW = {
    "Date received": "date_received", "Product": "product", "Sub-product": "sub_product",
    "Issue": "issue", "Sub-issue": "sub_issue",
    "Consumer complaint narrative": "consumer_complaint_narrative",
    "Company public response": "company_public_response", "Company": "company",
    "State": "state", "ZIP code": "zip_code", "Tags": "tags",
    "Consumer consent provided?": "consumer_consent_provided", "Submitted via": "submitted_via",
    "Date sent to company": "date_sent_to_company",
    "Company response to consumer": "company_response_to_consumer",
    "Timely response?": "timely_response", "Consumer disputed?": "consumer_disputed",
    "Complaint ID": "complaint_id",
}
#: Other names of CFPB columns: the field names of CFPB's search API and its CSV / JSON exports
#: (``complaint_what_happened``, ``company_response``, ``timely``). Headers are compared with
#: ``analysis.ingest.common.header_key`` (case, spaces, punctuation and snake_case ignored), so
#: ``date_received`` or ``DATE RECEIVED`` need no entry here.
CFPB_HEADER_ALIASES = {
    "complaint_what_happened": "consumer_complaint_narrative",
    "company_response": "company_response_to_consumer",
    "timely": "timely_response",
}
#: Columns without which a CFPB file cannot be imported. ``Complaint ID`` is not among them:
#: some 2013–2016 14-column files have none, and their rows get ids derived from their content.
CFPB_REQUIRED_HEADERS = ("Date received", "Product", "Issue", "Company")

_LINEAGE = (
    C("import_id", "VARCHAR", "Import that brought the row (meta_imports)", "导入批次编号"),
    C("source_file", "VARCHAR", "File name the row came from", "来源文件名"),
    C("source_row_number", "BIGINT",
      "Row number in the source file as a spreadsheet program shows it (the header is row 1)", "来源文件中的行号（与表格软件一致，表头为第 1 行）"),
)

TABLES: tuple[Table, ...] = (
    Table("meta_sources", "meta", "Data sources known to the database", "数据来源", (
        C("source", "VARCHAR", "Source code, e.g. cfpb, demo_cn", "来源代码"),
        C("name_en", "VARCHAR", "Name (English)", "名称（英文）"),
        C("name_zh", "VARCHAR", "Name (Chinese)", "名称（中文）"),
        C("publisher", "VARCHAR", "Publisher", "发布方"),
        C("jurisdiction", "VARCHAR", "Jurisdiction whose rules apply", "适用地区"),
        C("is_synthetic", "BOOLEAN", "True for the built-in demonstration data", "是否为合成演示数据"),
        C("note_en", "VARCHAR", "Caveat shown with the source", "说明（英文）"),
        C("note_zh", "VARCHAR", "Caveat shown with the source (Chinese)", "说明（中文）"),
    ), ("source",)),
    Table("meta_imports", "meta", "One row per import run", "导入记录", (
        C("import_id", "VARCHAR", "Import id", "导入批次编号"),
        C("format", "VARCHAR", "Import format, e.g. cfpb", "导入格式"),
        C("source", "VARCHAR", "Source code", "来源代码"),
        C("source_file", "VARCHAR", "File name", "文件名"),
        C("file_sha256", "VARCHAR", "SHA-256 of the file bytes", "文件 SHA-256"),
        C("imported_at", "TIMESTAMP", "When the import ran (UTC)", "导入时间（UTC）"),
        C("imported_by", "VARCHAR", "Who ran it (OS user)", "导入人"),
        C("row_count", "BIGINT", "Data rows read", "读取行数"),
        C("accepted_count", "BIGINT", "Rows accepted into core", "接收行数"),
        C("quarantined_count", "BIGINT", "Rows set aside in core_quarantine", "隔离行数"),
        C("unchanged_count", "BIGINT", "Rows already present with the same content", "已存在且未变化的行数"),
        C("updated_count", "BIGINT", "Rows already present, replaced by this newer version", "已存在并被更新的行数"),
        C("status", "VARCHAR", "imported, or already_imported (same file bytes seen before: nothing added)",
          "imported 已导入；already_imported 相同文件已导入过，未新增"),
        C("read_settings", "VARCHAR", "The sheets and column mapping a spreadsheet or platform export was read "
          "with (JSON; empty for CFPB files): the same file read with other settings is read again",
          "读取电子表格或平台导出文件时所用的工作表和列映射（JSON；CFPB 文件为空）：同一文件换用其他设置时会重新读取"),
    ), ("import_id",)),
    Table("code_labels", "meta", "Labels of every code in Chinese and English", "代码标签（中英文）", (
        C("code_list", "VARCHAR", "Code list, e.g. method", "代码表"),
        C("code", "VARCHAR", "Stored code", "代码"),
        C("label_en", "VARCHAR", "English label", "英文标签"),
        C("label_zh", "VARCHAR", "Chinese label", "中文标签"),
        C("family", "VARCHAR", "Conduct family (conduct list only)", "行为类别"),
        C("sort_order", "BIGINT", "Display order within the list", "显示顺序"),
    ), ("code_list", "code")),
    Table("raw_cfpb__complaints", "raw", "CFPB Consumer Complaint Database rows as they came (all text)",
          "CFPB 投诉数据原始行（全部为文本）", _LINEAGE + _CFPB_RAW_COLUMNS),
    Table("core_complaints", "core", "One row per complaint, typed and coded", "每条投诉一行（已类型化、编码）", (
        C("complaint_id", "VARCHAR", "Key: '<source>:<source_record_id>'", "主键：来源:原编号"),
        C("source", "VARCHAR", "Data source code (meta_sources)", "数据来源代码"),
        C("source_record_id", "VARCHAR", "The record's id in its source (CFPB Complaint ID)", "来源中的编号"),
        C("jurisdiction", "VARCHAR", "Whose rules apply: CN, US, UK", "适用地区"),
        C("received_date", "DATE", "Date the organisation received the complaint", "投诉受理日期"),
        C("product", "VARCHAR", "Product as named by the source", "产品（来源原文）"),
        C("sub_product", "VARCHAR", "Sub-product as named by the source", "子产品"),
        C("issue", "VARCHAR", "Issue as worded by the source", "问题（原文）"),
        C("sub_issue", "VARCHAR", "Sub-issue as worded by the source", "子问题（原文）"),
        C("creditor_name", "VARCHAR", "Creditor (lender, platform, bank); CFPB: the company for lending products",
          "债权方；CFPB 贷款类产品为被投诉公司"),
        C("collector_name", "VARCHAR", "Collector; CFPB: the company for 'Debt collection' complaints",
          "催收方；CFPB 债务催收类为被投诉公司"),
        C("region", "VARCHAR", "State or province of the consumer", "消费者所在州/省"),
        C("filed_with", "VARCHAR", "Organisation the complaint was filed with (code list filed_with)", "投诉受理机构（代码）"),
        C("submission_medium", "VARCHAR", "How it was submitted (code list submission_medium)", "提交方式（代码）"),
        C("outcome_code", "VARCHAR", "What came of it (code list outcome)", "处理结果（代码）"),
        C("is_timely_response", "BOOLEAN", "Answered within the organisation's deadline; NULL if unknown", "是否及时答复"),
        C("response_days", "INTEGER", "Days from receipt to the organisation's response; for CFPB, to the date it was sent "
          "to the company (the only second date CFPB publishes); NULL if unknown", "受理至答复的天数（CFPB 为受理至转交公司）"),
        C("has_narrative", "BOOLEAN", "The complaint has a narrative text", "是否有投诉正文"),
        C("narrative", "VARCHAR", "Narrative text as published (redacted by the source)", "投诉正文（来源已脱敏）"),
        C("language", "VARCHAR", "Language of the narrative: en, zh; NULL without narrative", "正文语言"),
        C("source_record_hash", "VARCHAR", "MD5 of the source row's values: tells a changed re-import from an unchanged one",
          "来源行内容摘要，用于识别重复导入"),
    ) + _LINEAGE + (
        C("narrative_version", "VARCHAR", "Version of the narrative classifier that last read the narrative "
          "(analysis.classify.classifier_version; NULL: not read)", "最近一次读取正文的分类器版本（空：未读取）"),
    ), ("complaint_id",)),
    Table("core_incidents", "core", "One row per collection incident a complaint describes",
          "每个催收事件一行", (
        C("incident_id", "VARCHAR", "Key: '<complaint_id>#<suffix>' (a sequence number, or the mapping / pattern id that produced it)", "主键：投诉编号#后缀"),
        C("complaint_id", "VARCHAR", "Complaint the incident belongs to", "所属投诉"),
        C("occurred_date", "DATE", "Local date of the incident; NULL if unknown (CFPB gives none)", "事件发生日期（当地）"),
        C("occurred_at", "TIMESTAMP", "Local wall-clock date and time; only when time_precision = exact",
          "当地时间（仅精确时刻）"),
        C("occurred_hour", "TINYINT", "Local wall-clock hour 0–23; only when time_precision = exact", "当地小时 0–23"),
        C("time_precision", "VARCHAR", "exact, daypart, outside_window_only, date_only, unknown", "时间精度"),
        C("time_source", "VARCHAR", "Where the incident and its time came from: field, narrative, issue_code, review (entered by a reviewer)", "事件及其时间的来源"),
        C("daypart_code", "VARCHAR", "Part of day when only that is known (code list daypart)", "时段（代码）"),
        C("method_code", "VARCHAR", "How the incident reached someone (code list method)", "催收方式（代码）"),
        C("recipient_code", "VARCHAR", "Who was contacted (code list recipient)", "催收对象（代码）"),
        C("is_outside_permitted_hours", "BOOLEAN",
          "TRUE: outside the jurisdiction's permitted hours (CN-TIME-01 / US-TIME-01); FALSE: inside or a "
          "boundary case; NULL: time not known well enough", "是否在允许时段外；时间不明为空"),
        C("time_rule_status", "VARCHAR", "outside, boundary, inside, unknown", "时段判断"),
        C("time_rule_id", "VARCHAR", "Rule id the time was checked against", "时段规则编号"),
        C("collector_number_hash", "VARCHAR",
          "HMAC-SHA256 of the collector's phone number with the database's salt (never the number itself); "
          "counts repeat numbers", "催收号码的加盐哈希（不保存号码本身），用于统计重复号码"),
        C("is_connected", "BOOLEAN", "Call log: the call was answered / connected; NULL if not known",
          "通话记录：是否接通；未知为空"),
        C("duration_seconds", "INTEGER", "Call log: call duration in seconds", "通话记录：通话时长（秒）"),
        C("occurred_time_local", "VARCHAR", "Local wall-clock time 'HH:MM' when time_precision = exact, also "
          "without a date (narratives, reviewers)", "当地时刻 HH:MM（仅精确时刻；正文与复核无日期时亦填）"),
        C("import_id", "VARCHAR", "Import that wrote the incident (meta_imports): the complaint's own, or a later one "
          "that added it to the complaint (a call log, intake rows); removing that import removes it. NULL: read "
          "from the narrative or entered by a reviewer, or written before this column existed (import unknown); "
          "such an incident goes with its complaint only",
          "写入该事件的导入批次：投诉自身的导入，或之后向该投诉追加事件的导入（通话记录、登记行）；删除该导入即删除该事件。"
          "空：来自正文或复核人录入，或写于本列出现之前（导入批次不明），此类事件仅随投诉删除"),
        C("also_import_ids", "VARCHAR[]", "Later imports whose files list the same incident again (a running intake "
          "log imported each week, a call log sent twice): removing import_id's import leaves the incident to the "
          "first of these, so it goes only when no import that lists it is left",
          "之后再次列出同一事件的导入批次（每周导入的累积登记表、重复发送的通话记录）：删除 import_id 对应的导入时，"
          "该事件归入其中第一个导入；只有列出它的导入都删除后才删除该事件"),
    ), ("incident_id",)),
    Table("core_complaint_labels", "core", "Conduct, debt-issue and demand labels with their evidence",
          "投诉标签（行为、争议、诉求）及依据", (
        C("complaint_id", "VARCHAR", "Complaint", "投诉"),
        C("label_kind", "VARCHAR", "conduct, debt_issue, demand", "标签类别"),
        C("label_code", "VARCHAR", "Code from the matching code list", "标签代码"),
        C("label_source", "VARCHAR", "issue_code, narrative, field, model (a suggestion, not counted)", "标签来源"),
        C("rule_id", "VARCHAR", "RULEBOOK.md rule id behind a conduct flag, if any", "规则编号"),
        C("evidence", "VARCHAR", "What the label rests on: source field and value, or the matched text",
          "依据：来源字段及值，或匹配的原文"),
        C("evidence_start", "INTEGER", "Start offset of the matched span in the narrative (narrative labels)", "匹配起点"),
        C("evidence_end", "INTEGER", "End offset (exclusive) of the matched span", "匹配终点"),
        C("pattern_id", "VARCHAR", "Id of the mapping row or pattern that fired", "规则/模式编号"),
        C("label_version", "VARCHAR", "Classifier or model version behind a narrative or model label (NULL for "
          "labels from fields and issue codes)", "正文/模型标签所用分类器或模型版本（字段/问题分类标签为空）"),
        C("score", "DOUBLE", "Model score in [0, 1] (label_source = model; NULL otherwise)", "模型得分（仅模型标签）"),
        C("incident_id", "VARCHAR", "The intake row (incident) a field label comes from: the label goes when that "
          "incident goes (a removed import, a correction). One label per row, so a code several rows give is listed "
          "once for each (counts take each code once). NULL: labels of narratives, the model, CFPB issue codes, "
          "complaint-level exports and call logs (computed again from the calls left), which go with their complaint",
          "字段标签来自的登记行（事件）：该事件删除时（删除导入、更正）标签随之删除。每行一个标签，多行给出同一代码时各列一次"
          "（统计时每个代码只算一次）。空：正文、模型、CFPB 问题分类、投诉级导出和通话记录的标签（按剩余通话重新计算），随投诉删除"),
    )),
    Table("core_label_reviews", "core",
          "Reviewers' decisions on a complaint's labels and incidents, one row per decision, never changed "
          "(the latest per label wins in every count: current_label_reviews; analysis/reviews.py)",
          "人工复核记录：每个决定一行、不再修改（每个标签以最新决定为准，计入所有统计）", (
        C("review_id", "VARCHAR", "Key", "主键"),
        C("complaint_id", "VARCHAR", "Complaint", "投诉"),
        C("label_kind", "VARCHAR", "conduct, debt_issue, incident (label_code = incident_id), complaint "
          "(label_code 'reviewed': the whole complaint was reviewed)", "类别：行为、争议、事件、整条投诉"),
        C("label_code", "VARCHAR", "Code from the matching code list, or the incident id", "标签代码或事件编号"),
        C("decision", "VARCHAR", "confirm, reject, add (a label no source had; an incident the reviewer entered); "
          "reopen (label_kind complaint, written by an import or a removal that changed a reviewed complaint's "
          "evidence: it is back in the review queue; its other decisions stay)",
          "决定：确认、否定、补充；重新打开（整条投诉：导入或删除改变了已复核投诉的证据，投诉回到复核队列，其他决定保留）"),
        C("method_code", "VARCHAR", "Incident reviews: the incident's method as the reviewer saw it (a re-read "
          "incident that differs is not covered by the decision)", "事件复核：复核时事件的方式"),
        C("recipient_code", "VARCHAR", "Incident reviews: the incident's recipient as the reviewer saw it",
          "事件复核：复核时事件的对象"),
        C("reviewed_by", "VARCHAR", "Account name of the reviewer", "复核人"),
        C("reviewer_role", "VARCHAR", "The reviewer's role then (system: a reopen written by a write)",
          "复核人当时的角色（system：由写入操作重新打开）"),
        C("reviewed_at", "TIMESTAMP", "When (UTC)", "复核时间（UTC）"),
        C("note", "VARCHAR", "The reviewer's note", "复核备注"),
    ), ("review_id",)),
    Table("core_quarantine", "core", "Rows that could not be imported, kept with the reason",
          "无法导入的行（保留原因）", (
        C("import_id", "VARCHAR", "Import", "导入批次"),
        C("source_file", "VARCHAR", "File name", "文件名"),
        C("source_row_number", "BIGINT", "Row number in the file as a spreadsheet program shows it (the header is row 1)", "行号"),
        C("column_name", "VARCHAR", "Column at fault, if one", "问题列"),
        C("raw_value", "VARCHAR", "The offending value", "问题值"),
        C("reason", "VARCHAR", "Why the row was set aside", "隔离原因"),
        C("raw_record", "VARCHAR", "The whole row as JSON text", "整行原文（JSON）"),
        C("sheet_name", "VARCHAR", "Worksheet of an .xlsx file; NULL for CSV", "Excel 工作表名；CSV 为空"),
    )),
    Table("core_qa_issues", "core", "Accepted rows with a value that could not be coded (stored as NULL), or was "
          "not used (a complaint keeps one status; a later file does not change an earlier import's values)",
          "已接收但有值无法编码（存为空）或未使用（每条投诉只有一个处理状态；之后的文件不更改此前导入的值）的行", (
        C("import_id", "VARCHAR", "Import", "导入批次"),
        C("complaint_id", "VARCHAR", "Complaint", "投诉"),
        C("source_file", "VARCHAR", "File name", "文件名"),
        C("source_row_number", "BIGINT", "Row number in the file", "行号"),
        C("column_name", "VARCHAR", "Column", "列"),
        C("raw_value", "VARCHAR", "Value that could not be coded", "无法编码的值"),
        C("reason", "VARCHAR", "What is wrong", "问题"),
    )),
)

TABLES = TABLES + (
    Table("raw_generic__rows", "raw",
          "Rows of files imported with a column-mapping profile (heimao, c12315, intake, call_log, ftc_dnc, "
          "user profiles), every cell as text; personal identifiers masked and collectors' numbers hashed "
          "before writing (analysis/pii.py)",
          "按映射方案导入的文件行（全部为文本；写入前已遮蔽个人信息、催收号码已哈希）", _LINEAGE + (
        C("sheet_name", "VARCHAR", "Worksheet of an .xlsx file; NULL for CSV", "Excel 工作表名；CSV 为空"),
        C("profile", "VARCHAR", "Import profile used", "导入方案"),
        C("raw_record", "VARCHAR", "The row as JSON text {header: value}", "整行（JSON，表头: 值）"),
    )),
    Table("meta_pii_salt", "meta", "Per-database salt of the collector-number hashes (unless $COLLECTION_WATCH_SALT)",
          "催收号码哈希所用的本库盐值", (
        C("salt", "VARCHAR", "Random salt (hex)", "随机盐值"),
        C("created_at", "TIMESTAMP", "When it was created (UTC)", "创建时间"),
    )),
    Table("meta_store_versions", "meta",
          "One row per write (version history of the database; analysis/store.py)", "数据库版本记录（每次写入一行）", (
        C("version", "BIGINT", "Version number, 1 for the first write", "版本号"),
        C("is_full", "BOOLEAN", "The write rebuilt everything (new database, demonstration data, repair)",
          "是否为全量重建"),
        C("written_at", "TIMESTAMP", "When the write committed (UTC)", "写入时间（UTC）"),
        C("description", "VARCHAR", "What the write was, e.g. import cfpb", "写入内容"),
        C("changed_complaint_count", "BIGINT", "Complaints the write added, changed or deleted",
          "新增、修改或删除的投诉数"),
    ), ("version",)),
    Table("meta_audit", "meta",
          "Every change to the evidence and to accounts: who, when, what (kept when data is deleted; analysis/audit.py)",
          "审计日志：每次对证据和账户的更改（谁、何时、做了什么；删除数据时保留）", (
        C("audit_id", "VARCHAR", "Entry id", "条目编号"),
        C("logged_at", "TIMESTAMP", "When (UTC)", "时间（UTC）"),
        C("actor", "VARCHAR", "Account name, or the OS user on the command line", "操作人（账户名，或命令行的系统用户）"),
        C("actor_role", "VARCHAR", "The actor's role then (viewer, editor, admin; single_user)", "当时的角色"),
        C("via", "VARCHAR", "dashboard or command line", "途径：dashboard 仪表盘 / command line 命令行"),
        C("action", "VARCHAR", "import, intake, relabel, delete_import, delete_source, account_add, account_role, "
                               "account_password, account_disable, account_remove", "操作"),
        C("target", "VARCHAR", "What it acted on: import id, source, account name", "对象：导入批次、来源或账户"),
        C("file_name", "VARCHAR", "File name (imports)", "文件名"),
        C("file_sha256", "VARCHAR", "SHA-256 of the file bytes (imports)", "文件 SHA-256"),
        C("rows_read", "BIGINT", "Rows read (imports)", "读取行数"),
        C("rows_added", "BIGINT", "Rows added (new complaints or incidents)", "新增行数"),
        C("rows_updated", "BIGINT", "Rows that replaced an earlier version", "更新行数"),
        C("rows_quarantined", "BIGINT", "Rows set aside", "隔离行数"),
        C("rows_removed", "BIGINT", "Complaints removed (deletions)", "删除的投诉数"),
        C("detail", "VARCHAR", "More, as JSON text", "其他信息（JSON）"),
    ), ("audit_id",)),
    Table("meta_change_log", "meta",
          "Complaints and summary groups changed by the last two versions (replays them onto the second copy; "
          "analysis/store.py)",
          "最近两个版本修改的投诉和汇总分组（用于同步第二副本）", (
        C("version", "BIGINT", "Version that changed the complaint", "版本号"),
        C("complaint_id", "VARCHAR", "Complaint added, changed or deleted (or NULL)", "投诉"),
        C("group_key", "VARCHAR", "Group of a summary mart (mart_*_cube*) whose count changed (or NULL)",
          "汇总表中计数变化的分组"),
    )),
)

#: Public views: the documented surface for analysts opening the file in DuckDB / Jupyter.
VIEWS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "complaints": ("core_complaints", "One row per complaint", "每条投诉一行", (
        "complaint_id", "source", "source_record_id", "jurisdiction", "received_date", "product",
        "sub_product", "issue", "sub_issue", "creditor_name", "collector_name", "region", "filed_with",
        "submission_medium", "outcome_code", "is_timely_response", "response_days", "has_narrative",
        "language")),
    "incidents": ("core_incidents", "One row per collection incident", "每个催收事件一行", (
        "incident_id", "complaint_id", "occurred_date", "occurred_at", "occurred_hour", "time_precision",
        "time_source", "daypart_code", "method_code", "recipient_code", "is_outside_permitted_hours",
        "time_rule_status", "time_rule_id")),
    "complaint_labels": ("core_complaint_labels", "Labels of complaints with their source and evidence",
                         "投诉标签及来源、依据", (
        "complaint_id", "label_kind", "label_code", "label_source", "rule_id", "evidence",
        "evidence_start", "evidence_end", "pattern_id", "label_version", "score")),
    "label_reviews": ("core_label_reviews", "Reviewers' decisions on labels and incidents (latest wins)",
                      "人工复核记录（以最新决定为准）", (
        "review_id", "complaint_id", "label_kind", "label_code", "decision", "method_code", "recipient_code",
        "reviewed_by", "reviewer_role", "reviewed_at", "note")),
}

#: The decision in force for each reviewed label or incident: the latest one (ties: the larger
#: review_id). The marts, the queue, the export and the model's training read this view.
CURRENT_REVIEWS_SQL = """
SELECT * FROM core_label_reviews
QUALIFY row_number() OVER (PARTITION BY complaint_id, label_kind, label_code
                           ORDER BY reviewed_at DESC, review_id DESC) = 1"""
#: The labels that count, the one definition every count and citation reads (issue 12: reviewed
#: labels win): each stored label but those whose current review is 'reject', plus a row with
#: label_source 'review' (rule_id NULL) for each conduct or debt issue a reviewer confirmed or
#: added. The facts marts (analysis/sql/mart/mart_complaint_facts.sql, analysis.spark_marts), the
#: export's rules cited and the Narratives page's search read it (analysis.reviews.counted_labels).
COUNTED_LABELS_SQL = """
SELECT complaint_id, label_kind, label_code, label_source, rule_id
FROM core_complaint_labels
ANTI JOIN (SELECT complaint_id, label_kind, label_code FROM current_label_reviews WHERE decision = 'reject') r
    USING (complaint_id, label_kind, label_code)
UNION ALL
SELECT complaint_id, label_kind, label_code, 'review' AS label_source, NULL::VARCHAR AS rule_id
FROM current_label_reviews WHERE decision IN ('confirm', 'add') AND label_kind IN ('conduct', 'debt_issue')"""
#: Views derived by SQL (not public projections): name → SELECT, in creation order.
DERIVED_VIEWS = {"current_label_reviews": CURRENT_REVIEWS_SQL, "counted_complaint_labels": COUNTED_LABELS_SQL}

TABLE_BY_NAME = {t.name: t for t in TABLES}


def view_sql(view: str) -> str:
    """``CREATE OR REPLACE VIEW`` statement of a public view."""
    base, _, _, cols = VIEWS[view]
    return f"CREATE OR REPLACE VIEW {view} AS SELECT {', '.join(cols)} FROM {base}"


def data_dictionary() -> list[dict]:
    """The data dictionary: one dict per column of every public view and table.

    Keys: ``table`` (str), ``layer`` (str), ``column`` (str), ``type`` (str), ``en`` (str),
    ``zh`` (str). Public views come first, then tables in layer order.
    """
    rows = []
    for view, (base, _en, _zh, cols) in VIEWS.items():
        bcols = {c.name: c for c in TABLE_BY_NAME[base].columns}
        for name in cols:
            c = bcols[name]
            rows.append(dict(table=view, layer="view", column=name, type=c.type, en=c.en, zh=c.zh))
    for t in TABLES:
        for c in t.columns:
            rows.append(dict(table=t.name, layer=t.layer, column=c.name, type=c.type, en=c.en, zh=c.zh))
    return rows


def to_markdown() -> str:
    """Data dictionary of the public views as Markdown (for README.md)."""
    out = []
    for view, (base, en, zh, cols) in VIEWS.items():
        bcols = {c.name: c for c in TABLE_BY_NAME[base].columns}
        out.append(f"### `{view}`: {en} / {zh}\n\n| column | type | meaning | 含义 |\n|---|---|---|---|")
        for name in cols:
            c = bcols[name]
            out.append(f"| `{name}` | {c.type} | {c.en} | {c.zh} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover - documentation helper
    if "--markdown" in sys.argv:
        print(to_markdown())
