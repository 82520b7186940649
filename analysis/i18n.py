"""UI and export strings in English and Chinese. Code labels live in ``analysis.codes``.

``t(key, lang, **values)`` returns the string for ``lang`` (``en`` / ``zh``) with
``str.format`` values filled in. An unknown key raises ``KeyError`` so a missing
translation fails in the tests rather than showing a raw key to a user.
"""
from __future__ import annotations

LANGS = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # app
    "app_title": ("Collection Watch", "催收观察"),
    "app_tagline": ("Improper debt-collection patterns from complaints",
                    "从投诉看不当催收：时段、方式、渠道与结果"),
    "language": ("Language", "语言"),
    "page_overview": ("Overview", "总览"),
    "page_time": ("Time of day", "催收时段"),
    "page_methods": ("Methods and conduct", "方式与行为"),
    "page_channels": ("Channels and outcomes", "渠道与结果"),
    "page_data": ("Data", "数据"),
    "page_narratives": ("Narratives", "投诉正文"),
    "narr_search_mark": ("Searched for: {term}", "搜索词：{term}"),
    "narr_search": ("Search the narratives", "搜索投诉正文"),
    "narr_search_hint": ("words in either language, e.g. 通讯录 or sheriff; \"a phrase\" in quotes; a complaint id",
                         "中英文词语均可，如 通讯录 或 sheriff；词组加引号，如 \"爆通讯录\"；或投诉编号"),
    "narr_rule": ("Rule", "规则"),
    "narr_none": ("No narrative matches. Change the search words or the filters.", "没有匹配的投诉正文。请修改搜索词或筛选条件。"),
    "narr_found": ("{n} complaints with a narrative (those holding the words as typed first, then newest first; at "
                   "most 200).", "{n} 条有正文的投诉（先列出按输入顺序包含这些词的，其余按时间倒序；最多 200 条）。"),
    "narr_read": ("Read complaint", "阅读投诉"),
    "narr_found_more": ("{n} complaints match; the first 200 are listed (those holding the words as typed first, then "
                        "newest first): narrow the search to see others.",
                        "共有 {n} 条投诉匹配，列出前 200 条（先列出按输入顺序包含这些词的，其余按时间倒序）；请缩小搜索范围查看其他投诉。"),
    "narr_labels": ("Labels and their sources", "标签及来源"),
    "narr_incidents": ("Incidents", "催收事件"),
    "narr_text_help": ("The complaint's own words, shown as plain text. Marked: the evidence for each narrative label "
                       "(hover for the label, pattern and rule).", "投诉人原文，按纯文本显示。标记处为各正文标签的依据（悬停查看标签、模式和规则）。"),
    # filters
    "filters": ("Filters", "筛选"),
    "f_dates": ("Received between", "受理日期"),
    "f_jurisdiction": ("Jurisdiction", "适用地区"),
    "f_source": ("Data source", "数据来源"),
    "f_product": ("Product", "产品"),
    "f_company": ("Company (creditor / collector)", "公司（债权方/催收方）"),
    "f_region": ("State / province", "州/省"),
    "f_conduct": ("Conduct", "不当催收行为"),
    "f_method": ("Method", "催收方式"),
    "f_filed_with": ("Filed with", "受理机构"),
    "f_medium": ("Submitted via", "提交方式"),
    "f_outcome": ("Outcome", "处理结果"),
    "f_label_source": ("Labels from", "标签来源"),
    "ls_all": ("All sources", "全部来源"),
    "ls_structured": ("Structured fields / issue codes", "结构化字段/问题分类"),
    "ls_narrative": ("Narratives", "投诉正文"),
    "f_reset": ("Reset filters", "重置筛选"),
    "f_all": ("All", "全部"),
    "bad_filter": ("This view's filter is invalid, so nothing was queried: {msg}",
                   "筛选条件无效，未执行查询：{msg}"),
    "bad_date": ("{field} must be a date written YYYY-MM-DD; got {value!r}.",
                 "{field}须为 YYYY-MM-DD 格式的日期，收到 {value!r}。"),
    # common
    "no_data": ("No complaints match these filters. Widen the date range or remove a filter.",
                "没有符合筛选条件的投诉。请放宽日期范围或去掉部分筛选。"),
    "hidden_sources": ("{n:,} complaints of {names} match the other filters but are not in this view: choose "
                       "them under “{field}” to include them.",
                       "{names}中有 {n:,} 条投诉符合其余筛选条件，但不在当前视图中：可在“{field}”中选择。"),
    "hidden_demo": ("Demonstration data is hidden by default once real complaints are loaded.",
                    "导入真实投诉后，演示数据默认隐藏。"),
    "del_title": ("Remove an import or a source", "删除一次导入或一个来源"),
    "del_note": ("Removes the complaints whose current version came from the import (or every complaint of the "
                 "source), with their incidents and labels, the incidents it added to other complaints (a call "
                 "log), and the file's raw and quarantined rows; every figure follows. The audit log keeps a "
                 "record. This cannot be undone except by importing the file again.",
                 "删除当前版本来自该次导入的投诉（或该来源的全部投诉）及其事件和标签、该导入向其他投诉追加的事件（如通话记录），"
                 "以及文件的原始行和隔离行；所有图表随之更新。审计日志保留记录。除重新导入文件外无法撤销。"),
    "del_kind": ("Remove", "删除"),
    "del_kind_import": ("an import", "一次导入"),
    "del_kind_source": ("a source", "一个来源"),
    "del_none": ("Nothing to remove.", "没有可删除的内容。"),
    "del_confirm": ("Type {id} to confirm", "输入 {id} 以确认"),
    "del_button": ("Remove for good", "永久删除"),
    "narr_not_found": ("No complaint {id} in this database; showing the newest instead.",
                       "数据库中没有投诉 {id}，改为显示最新一条。"),
    "narr_not_found_queue": ("No complaint {id} in this database; showing the first in the queue instead.",
                             "数据库中没有投诉 {id}，改为显示队列中的第一条。"),
    "rv_gone": ("Your review of {id} was not saved: the complaint is no longer in the database (its import or "
                "source was removed).",
                "您对 {id} 的复核未保存：这条投诉已不在数据库中（其导入或来源已被删除）。"),
    "narr_suggested": ("Model suggestions (counted once confirmed, or under “+ model suggestions”)",
                       "模型建议（经复核确认后，或选择“＋模型建议”时计入）"),
    "narr_suggested_help": ("A text model trained on labelled complaints (.venv/bin/python -m analysis.classify.model) "
                            "suggests these conducts, with its score (0–1) and the words that raised it most. They "
                            "count in the figures only once a reviewer confirms them, or when “Labels from” is set to "
                            "“all sources + model suggestions”: the rules' labels are the evidence a publication cites.",
                            "由标注投诉训练的文本模型（.venv/bin/python -m analysis.classify.model）给出的建议行为、得分（0–1）"
                            "及影响最大的词语。只有经复核确认，或把“标签来源”设为“全部来源＋模型建议”时，建议才计入图表："
                            "对外发布以规则标签为依据。"),
    "stale_title": ("Narrative labels", "正文标签"),
    "stale_none": ("No narrative was read by older patterns or another model: every label is from the classifier "
                   "in use ({version}).",
                   "没有正文由旧版规则或其他模型读取：所有标签均来自当前分类器（{version}）。"),
    "stale_some": ("{n} narratives ({labels} labels, {suggestions} model suggestions) were read by older patterns "
                   "or another model than those in use ({version}); their labels may differ from what the classifier "
                   "finds now.",
                   "{n} 条正文（{labels} 个标签、{suggestions} 条模型建议）由旧版规则或其他模型读取，与当前分类器"
                   "（{version}）的结果可能不同。"),
    "stale_ask": ("An editor can re-read them here, or on the server: .venv/bin/python -m analysis.classify.relabel --db {db}",
                  "编辑者可在此重新读取，或在服务器上运行：.venv/bin/python -m analysis.classify.relabel --db {db}"),
    "stale_button": ("Re-read the {n} narratives", "重新读取这 {n} 条正文"),
    "stale_unread": ("{n} narratives were not read at import (imported with --classify none, or of products "
                     "the import does not classify) and count in no narrative figure. On the server: "
                     ".venv/bin/python -m analysis.classify.relabel --db {db} --unread",
                     "{n} 条正文导入时未经读取（以 --classify none 导入，或属于导入时不分类的产品），不计入任何正文统计。"
                     "可在服务器上运行：.venv/bin/python -m analysis.classify.relabel --db {db} --unread"),
    "stale_running": ("Re-reading narratives…", "正在重新读取正文……"),
    "rule_none_specific": ("none specific (RULEBOOK)", "无专门规则（见规则手册）"),
    "model_title": ("Conduct model (suggestions)", "行为模型（建议）"),
    "model_none": ("No conduct model is installed: narratives get the rules' labels only, and no suggestions. "
                   "On the server: .venv/bin/python -m analysis.classify.model train --db {db}",
                   "尚未安装行为模型：正文只有规则标签，没有模型建议。可在服务器上运行："
                   ".venv/bin/python -m analysis.classify.model train --db {db}"),
    "model_bad": ("The model file cannot be read ({error}). Train a new one on the server: "
                  ".venv/bin/python -m analysis.classify.model train --db {db}",
                  "无法读取模型文件（{error}）。请在服务器上重新训练：.venv/bin/python -m analysis.classify.model train --db {db}"),
    "model_info": ("In use: {version}, trained {when} UTC on {examples} labelled texts: {reviewed} complaints "
                   "reviewed in this database, {weak} of its CFPB narratives labelled by their sub-issue (weak "
                   "labels), the rest from the labelled sets; it suggests {conducts} conducts.",
                   "当前模型：{version}，训练于 {when}（UTC），使用 {examples} 条标注文本：本数据库中已复核的投诉 {reviewed} 条、"
                   "按子问题标注的 CFPB 正文 {weak} 条（弱标签），其余来自标注集；可建议 {conducts} 种行为。"),
    "model_unseen": ("Reviewed complaints not in the model yet: {n} (of {total}). Retraining it on them makes "
                     "its suggestions follow your reviewers; then re-read the narratives above so the stored "
                     "suggestions use the new model.",
                     "已复核投诉中有 {n} 条（共 {total} 条）尚未用于训练模型。用它们重新训练，模型建议会更贴近复核结论；"
                     "之后请在上方重新读取正文，使已保存的建议改用新模型。"),
    "model_current": ("Every reviewed complaint of this database ({total}) is in the model.",
                      "本数据库的已复核投诉（{total} 条）均已用于训练模型。"),
    "model_ask": ("An administrator can retrain it here, or on the server: "
                  ".venv/bin/python -m analysis.classify.model train --db {db}",
                  "管理员可在此重新训练，或在服务器上运行：.venv/bin/python -m analysis.classify.model train --db {db}"),
    "model_missing_sets": ("Retraining here is off: {sets} of the labelled training sets need files this server "
                           "cannot read ({files} in the shared data folder {folder}), and a model trained without "
                           "them would be weaker than the one in use. Put the shared data folder there (or set "
                           "COLLECTION_WATCH_SHARED) first.",
                           "此处无法重新训练：有 {sets} 个标注训练集所需的文件在本服务器上读取不到（共享数据文件夹 {folder} "
                           "中的 {files}），缺少它们训练出的模型会比当前模型更弱。请先把共享数据文件夹放到该位置（或设置 "
                           "COLLECTION_WATCH_SHARED）。"),
    "model_sets_list": ("The training sets concerned", "涉及的训练集"),
    "model_set_needs": ("{set} (needs {file})", "{set}（需要 {file}）"),
    "model_bad_train": ("The model was not trained: {msg}. The model in use is unchanged.",
                        "模型未训练：{msg}。当前模型保持不变。"),
    "model_reduced": ("This model was trained without {sets} of the labelled training sets (they need {files} "
                      "from the shared data folder, which was not beside the application when it was trained). "
                      "Its suggestions are weaker than the full model's; train it again where the shared data "
                      "can be read.",
                      "该模型训练时缺少 {sets} 个标注训练集（它们需要共享数据文件夹中的 {files}，训练时应用旁没有该文件夹）。"
                      "其建议弱于完整模型；请在可读取共享数据的环境中重新训练。"),
    "model_button": ("Retrain the model with the reviewed complaints", "用已复核投诉重新训练模型"),
    "model_running": ("Training the conduct model (about half a minute)…", "正在训练行为模型（约半分钟）……"),
    "model_done": ("Trained {version} on {examples} labelled texts ({reviewed} reviewed complaints of this "
                   "database, {weak} of its CFPB narratives labelled by their sub-issue). Re-read the narratives above "
                   "to store its suggestions.",
                   "已训练 {version}，使用 {examples} 条标注文本（含本数据库 {reviewed} 条已复核投诉、{weak} 条按子问题标注的"
                   " CFPB 正文）。请在上方重新读取正文以保存新模型的建议。"),
    "stale_done": ("Re-read {n} narratives: {labels} labels. The figures follow.",
                   "已重新读取 {n} 条正文，得到 {labels} 个标签，图表已随之更新。"),
    "del_done": ("Removed {id}: {n} complaints ({reviewed} of them reviewed, {decisions} review decision(s)) and "
                 "{rows} file rows. The figures now leave them out.",
                 "已删除 {id}：{n} 条投诉（其中已复核 {reviewed} 条，复核决定 {decisions} 项）、{rows} 行文件数据。"
                 "图表已不再包含它们。"),
    "del_incidents": ("It also added {n} incident(s) to complaints that stay (e.g. a call log attached to an "
                      "earlier complaint): they are removed from them, and those complaints' call-log labels are "
                      "computed again from what remains.",
                      "该导入还向保留的投诉追加了 {n} 个催收事件（如附加到已有投诉的通话记录）：这些事件将被删除，"
                      "相应投诉的通话记录标签将按剩余事件重新计算。"),
    "del_done_incidents": ("{n} incident(s) it had added to other complaints were removed from them.",
                           "其向其他投诉追加的 {n} 个催收事件已一并删除。"),
    "del_done_reopened": ("{n} reviewed complaint(s) that stay lost evidence with it and are back in the review "
                          "queue (Narratives page).",
                          "{n} 条保留的已复核投诉因此失去了部分证据，已回到复核队列（“投诉正文”页）。"),
    "del_reviews": ("Reviewed among these {n} complaints: {reviewed}, with {decisions} decision(s) and their notes. "
                    "Their reviews are removed with them and do not come back if the file is imported again.",
                    "这 {n} 条投诉中有 {reviewed} 条已复核（{decisions} 项决定及其备注）。复核记录将随之删除，"
                    "重新导入文件也不会恢复。"),
    "audit_title": ("Audit log", "审计日志"),
    "audit_note": ("Every change to the data and to accounts: who, when, what, the file and its rows. Entries are "
                   "kept when data is deleted. Visible to editors.",
                   "对数据和账户的每次更改：谁、何时、做了什么、文件及行数。删除数据时审计记录保留。仅编辑可见。"),
    "auth_sign_in": ("Sign in", "登录"),
    "auth_name": ("Name", "账户名"),
    "auth_password": ("Password", "密码"),
    "auth_sign_out": ("Sign out", "退出登录"),
    "auth_sign_in_idp": ("Sign in with your organisation's account", "使用机构账户登录"),
    "auth_signed_in": ("Signed in as {name} ({role}).", "已登录：{name}（{role}）。"),
    "auth_no_role": ("{name} has no account on this dashboard; ask an admin to add one.",
                     "{name} 在本仪表盘没有账户，请联系管理员添加。"),
    "auth_single_user": ("Single-user mode on this computer: no accounts are set up. Changing the data is possible "
                         "while it holds only the demonstration data; before loading real complaints or opening the "
                         "dashboard to other computers, create an admin: .venv/bin/python -m analysis.accounts add NAME "
                         "--role admin",
                         "本机单用户模式：尚未设置账户。仅在只有演示数据时可以修改数据；导入真实投诉或让其他电脑访问前，"
                         "请先创建管理员：.venv/bin/python -m analysis.accounts add 账户名 --role admin"),
    "auth_sign_in_first": ("Sign in to use the dashboard.", "请先登录再使用仪表盘。"),
    "auth_wrong": ("Name or password is wrong.", "账户名或密码错误。"),
    "auth_wait": ("Too many failed sign-ins: wait {s} seconds and try again.", "登录失败次数过多，请等待 {s} 秒后重试。"),
    "auth_real_data": ("Real complaints are loaded, so changing the data needs an account (single-user mode is "
                       "for the demonstration data). Create an admin on the server: .venv/bin/python -m analysis.accounts add "
                       "NAME --role admin, then sign in.",
                       "已载入真实投诉，修改数据需要账户（单用户模式仅适用于演示数据）。请在服务器上创建管理员："
                       ".venv/bin/python -m analysis.accounts add 账户名 --role admin，然后登录。"),
    "auth_role_cannot": ("Your role ({role}) cannot do this; it needs {need}. Ask an admin.",
                         "您的角色（{role}）无权执行此操作，需要{need}权限。请联系管理员。"),
    "auth_exposed": ("This dashboard can be reached from other computers and has no accounts, so it shows "
                     "nothing. On the server, create an admin (.venv/bin/python -m analysis.accounts add NAME --role admin) "
                     "or run it on this computer only (the default address 127.0.0.1).",
                     "此仪表盘可被其他电脑访问且未设置账户，因此不显示任何内容。请在服务器上创建管理员"
                     "（.venv/bin/python -m analysis.accounts add 账户名 --role admin），或仅在本机运行（默认地址 127.0.0.1）。"),
    "role_viewer": ("viewer", "查看者"),
    "role_editor": ("editor", "编辑"),
    "role_admin": ("admin", "管理员"),
    "role_single_user": ("single user", "单用户"),
    # the audit log's "via" and "action" values (analysis.audit.VIA; the actions audit.record is given)
    "table_empty": ("Nothing here yet.", "暂无内容。"),
    "via_dashboard": ("dashboard", "仪表盘"),
    "via_command line": ("command line", "命令行"),
    "action_import": ("import", "导入"),
    "action_intake": ("intake form", "登记投诉"),
    "action_relabel": ("re-read narratives", "重新读取正文"),
    "action_review": ("review", "复核"),
    "action_delete_import": ("remove an import", "删除一次导入"),
    "action_delete_source": ("remove a source", "删除一个来源"),
    "action_train_model": ("retrain the model", "重新训练模型"),
    "action_save_profile": ("save an import profile", "保存导入模板"),
    "imp_profile_replace": ("Replace it if a profile of this name is saved", "如已有同名模板则替换"),
    "action_account_add": ("add an account", "添加账户"),
    "action_account_role": ("change a role", "更改角色"),
    "action_account_password": ("set a password", "设置密码"),
    "action_account_disable": ("disable or enable an account", "停用或启用账户"),
    "action_account_remove": ("remove an account", "删除账户"),
    "db_unreadable": ("The database {name} cannot be read: it may be truncated, damaged or not a database file "
                      "(DuckDB: {reason}). Nothing was changed. Restore it from a backup, or rebuild it: move the file "
                      "and the folder beside it named like it with .store aside and import the source files again "
                      "(.venv/bin/python -m analysis.ingest); the default database is rebuilt with the demonstration data on "
                      "the next start.",
                      "无法读取数据库 {name}：文件可能被截断、损坏，或不是数据库文件（DuckDB：{reason}）。未做任何更改。"
                      "请从备份恢复，或重建：将该文件及其旁边同名加 .store 的文件夹移走，再重新导入源文件"
                      "（.venv/bin/python -m analysis.ingest）；默认数据库会在下次启动时用演示数据重建。"),
    "no_db": ("The database {path} does not exist yet. Import data with:\n\n`{cmd}`",
              "数据库 {path} 尚不存在。请先导入数据：\n\n`{cmd}`"),
    "demo_banner": ("This view includes **synthetic demonstration data** generated by Collection Watch "
                    "(sources marked “demo”). It is not real complaints; use the Data source filter "
                    "to hide it.",
                    "当前视图包含催收观察生成的**合成演示数据**（来源标有“演示”），并非真实投诉；"
                    "可在“数据来源”筛选中将其隐藏。"),
    "rv_mode": ("Narratives", "正文"),
    "rv_mode_read": ("Search and read", "搜索与阅读"),
    "rv_mode_review": ("Review queue", "复核队列"),
    "rv_progress": ("{n} of {total} complaints with a narrative in this view reviewed ({pct})",
                    "本视图中有正文的 {total} 条投诉已复核 {n} 条（{pct}）"),
    "view_err_empty": ("A saved view needs a name.", "保存的视图需要名称。"),
    "view_err_long": ("A view name has at most {n} characters.", "视图名称最多 {n} 个字符。"),
    "view_err_control": ("A view name cannot contain control characters.", "视图名称不能包含控制字符。"),
    "view_err_page": ("Unknown page {page!r}.", "未知页面 {page!r}。"),
    "view_err_lang": ("Unknown language {language!r}.", "未知语言 {language!r}。"),
    "view_err_many": ("At most {n} saved views; delete some first.", "最多保存 {n} 个视图；请先删除一些。"),
    "view_err_taken": ("{by} saved a view named “{name}”; choose another name, or tick “replace” to replace it.",
                       "{by} 已保存名为“{name}”的视图；请另选名称，或勾选“替换”以替换它。"),
    "views_replace": ("Replace a view of this name saved by someone else", "替换他人保存的同名视图"),
    "bad_choice": ("The link's {value} is not a choice of “{label}”: the default is shown.",
                   "链接中的 {value} 不是“{label}”的可选值，已显示默认值。"),
    "rv_bad_time": ("Not saved: {time} is not a clock time; write it as HH:MM (00:00–23:59).",
                    "未保存：{time} 不是时刻；请写成 HH:MM（00:00–23:59）。"),
    "rv_order": ("Review first", "优先复核"),
    "rv_order_uncertain": ("Uncertain", "不确定的"),
    "rv_order_impact": ("High impact", "影响大的"),
    "rv_order_company": ("By company", "按公司"),
    "rv_order_newest": ("Newest", "最新的"),
    "rv_order_uncertain_help": ("Complaints where the rules and the model disagree most, then those whose model score "
                                "is closest to 0.5.", "规则与模型分歧最多的投诉优先，其次是模型得分最接近 0.5 的投诉。"),
    "rv_order_impact_help": ("Complaints with the most threats, visits, detention, shaming or impersonation (rules or "
                             "model), then those of the companies with most complaints.",
                             "威胁、上门、限制人身自由、曝光或冒充等严重行为（规则或模型）最多的投诉优先，其次是投诉最多的公司。"),
    "rv_order_company_help": ("The companies with most complaints in this view first; choose one company in the "
                              "sidebar filter to review only its complaints.",
                              "本视图中投诉最多的公司优先；在侧栏筛选一家公司即可只复核其投诉。"),
    "rv_order_newest_help": ("The most recently received complaints first.", "最近受理的投诉优先。"),
    "rv_reopen_row": ("evidence changed (file in the note)", "证据有变（文件见备注）"),
    "rv_reopened": ("{n} complaint(s) at the top were reviewed before and got new or changed evidence since (an "
                    "import or a removal); their earlier decisions are shown and stay until you change them.",
                    "列在最前的 {n} 条投诉此前已复核，之后因导入或删除有了新的或改变的证据；原有决定照常显示并保留，直至您更改。"),
    "rv_queue_empty": ("Every complaint with a narrative in this view has been reviewed.",
                       "本视图中有正文的投诉均已复核。"),
    "rv_export": ("Download {n} reviewed complaints as a labelled set (CSV)", "下载 {n} 条已复核投诉的标注集（CSV）"),
    "rv_export_help": ("The format of labelled_dev.csv (id, lang, text, method, behaviours, time_local, time_flags, "
                       "expected, recipients): .venv/bin/python -m analysis.classify.evaluate --input FILE scores the classifier "
                       "on it, and the model's training reads it.",
                       "格式同 labelled_dev.csv（id, lang, text, method, behaviours, time_local, time_flags, expected, "
                       "recipients）：可用 .venv/bin/python -m analysis.classify.evaluate --input 文件 评估分类器，也用于训练模型。"),
    "rv_history": ("Review history ({n} decisions in {saves} reviews)", "复核记录（{saves} 次复核，{n} 项决定）"),
    "rv_editors_only": ("Editors review labels: sign in as an editor to confirm, reject or add them.",
                        "复核标签需编辑权限：请以编辑身份登录后确认、否定或补充标签。"),
    "rv_form": ("Review this complaint", "复核此投诉"),
    "rv_form_help": ("Decide every label and narrative incident after reading the text: confirmed and added labels "
                     "count in every figure (a confirmed model suggestion too), rejected ones in none. Your name and "
                     "the time are recorded, and the save is in the audit log.",
                     "阅读正文后对每个标签和正文事件作出决定：确认和补充的标签计入所有统计（包括确认的模型建议），"
                     "否定的不计入。系统记录复核人和时间，并写入审计日志。"),
    "rv_add_conducts": ("Add conducts the text describes", "补充正文描述的行为"),
    "rv_add_placeholder": ("Choose conducts", "选择行为"),
    "rv_add_contact": ("Add a contact the text describes (optional)", "补充正文描述的一次联系（可选）"),
    "rv_recipient": ("Recipient", "催收对象"),
    "rv_time": ("Local time (HH:MM)", "当地时刻（HH:MM）"),
    "rv_daypart": ("Or part of day", "或时段"),
    "rv_note": ("Note (optional)", "备注（可选）"),
    "rv_save": ("Save review", "保存复核"),
    "rv_undecided": ("Decide every label and incident first ({n} open).", "请先对每个标签和事件作出决定（还有 {n} 项）。"),
    "rv_contact_needs_method": ("A contact to add needs its method.", "补充的联系需要选择方式。"),
    "rv_failed": ("The review was not saved: {msg}", "复核未保存：{msg}"),
    "rv_time_or_daypart": ("Not saved: give the contact a clock time or a part of day, not both.",
                           "未保存：请为这次联系填写时刻或时段，二者选一。"),
    "rv_whole_complaint": ("Whole complaint", "整条投诉"),
    "rv_whole_reviewed": ("reviewed (saved by this reviewer)", "已复核（由该复核人保存）"),
    "rv_open_elsewhere": ("{who} opened this complaint for review {minutes} min ago and may be reviewing it now. "
                          "Choose another in the queue, or agree who reviews it: if {who} saves first, your save "
                          "is refused.",
                          "{who} 在 {minutes} 分钟前打开了此投诉的审核，可能正在审核。请在队列中另选一条，或商定由谁审核："
                          "若 {who} 先保存，您的保存将被拒绝。"),
    "rv_conflict": ("Not saved: {who} reviewed this complaint at {when} UTC, after you opened it. The form now shows "
                    "the decisions in force; check yours and save again.",
                    "未保存：{who} 在您打开这条投诉之后（{when} UTC）复核了它。表单现在显示生效中的决定，请核对后再保存。"),
    "rv_saved": ("Review of {id} saved: {confirm} confirmed, {reject} rejected, {add} added.",
                 "{id} 的复核已保存：确认 {confirm} 项，否定 {reject} 项，补充 {add} 项。"),
    "unreviewed": ("Conduct flags: against published rules (unreviewed).",
                   "行为标记：违反已公布规则（未经审核）。"),
    "caption": ("Filter: {desc}. Based on {n}. Source: {sources}.",
                "筛选：{desc}。依据：{n}。来源：{sources}。"),
    "n_complaints": ("{n:,} complaints", "{n:,} 条投诉"),
    "n_complaint": ("{n:,} complaint", "{n:,} 条投诉"),
    "n_incidents": ("{n:,} incidents", "{n:,} 个催收事件"),
    "n_incident": ("{n:,} incident", "{n:,} 个催收事件"),
    "download_csv": ("Download data (CSV)", "下载数据（CSV）"),
    "download_help": ("Download this chart as {fmt} (data files: UTF-8 with BOM for CSV; filter, n and sources "
                      "in a header block)", "下载该图表（{fmt}）：CSV 为带 BOM 的 UTF-8；文件头注明筛选条件、样本数和来源"),
    "chart_empty": ("Nothing to chart for these filters.", "该筛选条件下没有可绘制的数据。"),
    "count": ("Count", "数量"),
    "complaints": ("Complaints", "投诉数"),
    "incidents": ("Incidents", "事件数"),
    "month": ("Month", "月份"),
    "share_pct": ("Share (%)", "占比（%）"),
    "not_recorded": ("Not recorded", "未记录"),
    # overview
    "kpi_complaints": ("Complaints", "投诉"),
    "kpi_incidents": ("Incidents", "催收事件"),
    "kpi_improper": ("Improper conduct", "涉不当行为"),
    "kpi_outside": ("Outside hours", "禁止时段占比"),
    "kpi_too_few": ("–", "–"),
    "kpi_timely": ("Timely responses", "及时答复率"),
    "kpi_improper_help": ("Share of complaints with at least one conduct label (against published rules, unreviewed).",
                          "至少有一项不当行为标签的投诉占比（依据已公布规则，未经审核）。"),
    "kpi_outside_help": ("Share of incidents with an exact clock time that fall outside the permitted hours (CN-TIME-01 / US-TIME-01). Of incidents with an exact clock time only ({n:,}); {flags:,} more are only flagged "
                         "'outside hours' without a time. Not given (–) when fewer than {min} incidents have a clock time: "
                         "a share of so few would mislead and could point to a person.",
                         "有精确时刻的事件中处于禁止时段（CN-TIME-01 / US-TIME-01）的占比。仅以有精确时刻的事件（{n:,} 个）为分母；另有 {flags:,} 个事件仅标记为“时段外”而无具体时刻。"
                         "有精确时刻的事件少于 {min} 个时不给出占比（显示为 –）：基数太小的占比会误导，也可能指向具体个人。"),
    "kpi_timely_help": ("Of complaints whose timeliness is recorded ({n:,}).", "以记录了是否及时答复的投诉（{n:,} 条）为分母。"),
    "trend_title": ("Complaints per month", "每月投诉数"),
    "trend_all": ("All complaints", "全部投诉"),
    "trend_improper": ("With improper conduct", "涉不当催收行为"),
    # time of day
    "heatmap_title": ("Incidents by hour and weekday — {jur}", "按小时和星期分布的催收事件 — {jur}"),
    # (two lines: one line was cut in a 1024 px window)
    "heatmap_forbidden": ("Orange band above the grid: forbidden hours ({rule});<br>pale: partly forbidden (exactly 21:00 is a boundary case)",
                          "网格上方橙色条：禁止时段（{rule}）；<br>浅色：部分禁止（恰为 21:00 属边界情形）"),
    "heatmap_forbidden_cn": ("Orange band above the grid: forbidden hours 22:00–08:00<br>({rule}; 22:00 itself is forbidden)",
                             "网格上方橙色条：禁止时段 22:00–08:00<br>（{rule}；22:00 本身属禁止时段）"),
    "hour": ("Hour (local time)", "小时（当地时间）"),
    "weekday": ("Weekday", "星期"),
    "day_unknown": ("Date not stated", "日期不明"),
    "coverage_title": ("How precisely incident times are known", "事件时间的精确程度"),
    "coverage_note": ("Only incidents with an exact clock time appear in the heatmap. Coverage is not prevalence: "
                      "a source without clock times says nothing about the hours.",
                      "热力图只包含有精确时刻的事件。覆盖率不等于发生率：没有时刻的数据源无法说明催收发生在几点。"),
    "no_dated_times": ("No incident with a clock time has a date here (narratives state times, not dates), so there is "
                       "no monthly trend of the outside-hours share.",
                       "此处有时刻的事件都没有日期（投诉正文只说明时刻、未说明日期），因此无法按月显示禁止时段占比。"),
    "share_min_base": ("{months} month(s) with fewer than {n} timed incidents are not drawn.",
                       "有 {months} 个月份的有时刻事件少于 {n} 个，未绘制。"),
    "outside_trend_title": ("Share of timed incidents outside permitted hours, by month",
                            "有时刻的事件中处于禁止时段的占比（按月）"),
    "no_exact_times": ("None of the filtered incidents has an exact clock time, so there is no hour pattern to show.",
                       "筛选出的事件都没有精确时刻，无法显示时段分布。"),
    # methods
    "conduct_title": ("Complaints by conduct", "各类不当行为的投诉数"),
    "method_title": ("Complaints by method", "各催收方式的投诉数"),
    "conduct_trend_title": ("Conduct by month", "各类行为按月趋势"),
    "cooccur_title": ("Conducts reported together (complaints)", "同时出现的行为（投诉数）"),
    "company_title": ("Conduct by company (top {n})", "各公司的不当行为（前 {n} 名）"),
    "company_conduct_note": ("n: the company's complaints with a conduct label (the Companies page counts all its "
                             "complaints). A complaint counts once for each of its conducts.",
                             "n：该公司带有不当行为标签的投诉数（“涉诉机构”页统计其全部投诉）。一条投诉的每种行为各计一次。"),
    "company": ("Company", "公司"),
    "conduct": ("Conduct", "行为"),
    "method": ("Method", "方式"),
    "no_conducts": ("No conduct labels in the filtered complaints.", "筛选出的投诉没有行为标签。"),
    # channels
    "channel_dim": ("Channel", "渠道维度"),
    "outcome_mix_title": ("Outcome mix by {channel}", "按{channel}的处理结果构成"),
    "channel_summary_title": ("Timeliness and days to response by {channel}", "按{channel}的及时率与答复天数"),
    "ch_filed_with": ("organisation filed with", "受理机构"),
    "ch_medium": ("submission medium", "提交方式"),
    "flow_title": ("From submission medium to organisation to outcome", "从提交方式到受理机构再到处理结果"),
    "timely_rate": ("Timely-response rate (%)", "及时答复率（%）"),
    "median_days": ("Median days to response", "答复天数中位数"),
    "mean_days": ("Mean response days", "平均答复天数"),
    "relief_share": ("With relief (%)", "获得救济（%）"),
    "response_days_note": ("CFPB response days = days from receipt to being sent to the company.",
                           "CFPB 的答复天数为受理日至转交公司日的天数。"),
    # data page
    "sources_incident_note": ("Incidents here are every stored contact, from structured fields and from narratives. "
                              "The charts with labels from all sources count a contact that both report once (the "
                              "more precise of the two), and follow the filter, so their totals are lower.",
                              "此处的事件数为所有已存储的联系记录（来自结构化字段和正文）。标签来源为“全部”的图表中，"
                              "同一联系若两者都有记录只计一次（取时间更精确的一条），且随筛选条件变化，因此合计更少。"),
    "sources_title": ("Sources loaded", "已载入的数据来源"),
    "imports_title": ("Import log", "导入记录"),
    "tables_title": ("Row counts", "各表行数"),
    "quarantine_title": ("Quarantined rows", "隔离的行"),
    "quarantine_none": ("No rows are quarantined.", "没有被隔离的行。"),
    "qa_title": ("Values that could not be coded", "无法编码的值"),
    "qa_none": ("Every accepted value was coded.", "所有已接收的值均已编码。"),
    "dictionary_title": ("Data dictionary", "数据字典"),
    "import_howto": ("Import CFPB files from a terminal:", "在终端中导入 CFPB 文件："),
    "synthetic": ("synthetic demo", "合成演示"),
    # ---- exports (issue 5: analysis/export) — appended block, keep at the end ----
    "col_complaint_count": ("Complaints", "投诉数"),
    "col_incident_count": ("Incidents", "事件数"),
    "col_improper_complaint_count": ("Complaints with improper conduct", "涉不当行为的投诉数"),
    "col_share_pct": ("Share (%)", "占比（%）"),
    "col_received_month": ("Month received", "受理月份"),
    "col_occurred_month": ("Month of incident", "事件月份"),
    "col_jurisdiction": ("Jurisdiction code", "适用地区代码"),
    "col_occurred_weekday": ("Weekday (1 = Mon, 0 = not stated)", "星期（1 = 周一，0 = 未说明）"),
    "col_occurred_hour": ("Hour (local)", "小时（当地时间）"),
    "col_time_precision": ("Time precision code", "时间精度代码"),
    "col_exact_time_incident_count": ("Incidents with exact time", "有精确时刻的事件数"),
    "col_outside_count": ("Outside permitted hours", "禁止时段内的事件数"),
    "col_outside_share_pct": ("Outside permitted hours (%)", "禁止时段占比（%）"),
    "col_conduct_code": ("Conduct code", "行为代码"),
    "col_method_code": ("Method code", "方式代码"),
    "col_conduct_a": ("Conduct A code", "行为A代码"),
    "col_conduct_b": ("Conduct B code", "行为B代码"),
    "col_company_name": ("Company", "公司"),
    "col_company_complaint_count": ("Company's complaints with conduct", "该公司涉不当行为的投诉数"),
    "col_channel_code": ("Channel code", "渠道代码"),
    "col_outcome_code": ("Outcome code", "处理结果代码"),
    "col_timely_rate_pct": ("Timely responses (%)", "及时答复率（%）"),
    "col_median_response_days": ("Median response days", "答复天数中位数"),
    "col_mean_response_days": ("Mean response days", "平均答复天数"),
    "col_relief_share_pct": ("With relief (%)", "获得救济（%）"),
    "col_submission_medium": ("Submitted via (code)", "提交方式代码"),
    "col_filed_with": ("Filed with (code)", "受理机构代码"),
    "col_label_of": ("{col} – label", "{col}（名称）"),
    "x_filter": ("Filter: {desc}", "筛选：{desc}"),
    "x_n": ("n = {n}", "n = {n}"),
    "x_sources": ("Sources: {sources}", "数据来源：{sources}"),
    "x_no_sources": ("no source in this view", "当前视图没有数据来源"),
    "x_unreviewed": ("Flags against published rules (unreviewed): {rules}.",
                     "标记依据已公布规则（未经审核）：{rules}。"),
    "x_unreviewed_none": ("Flags against published rules (unreviewed); RULEBOOK rules of the conduct codes shown.",
                          "标记依据已公布规则（未经审核）：所示行为代码对应的 RULEBOOK 规则。"),
    "x_time_coverage": ("Times: {pct} of incidents have an exact clock time ({exact} of {total}); the rest have a part of day, "
                        "a flag or no time.",
                        "时间：{pct} 的事件有精确时刻（{total} 个中的 {exact} 个），其余仅有时段、标记或无时间。"),
    "x_suppressed_bars": ("To protect people, counts from 1 to {km1} are hidden (small-number suppression): a bar "
                          "reads <{k}, and a stacked bar ends with how many of its segments are hidden (+n×<{k}).",
                          "为保护个人，1 至 {km1} 的计数不显示（小数抑制）：条形标为 <{k}，堆叠条形末端注明其隐藏的段数（+n×<{k}）。"),
    "x_suppressed_cells": ("To protect people, counts from 1 to {km1} are hidden (small-number suppression): such a "
                           "cell is grey and reads <{k}.",
                           "为保护个人，1 至 {km1} 的计数不显示（小数抑制）：此类格子为灰色，标为 <{k}。"),
    "x_suppressed_lines": ("To protect people, counts from 1 to {km1} are hidden (small-number suppression): such "
                           "points are left out, so the lines have gaps.",
                           "为保护个人，1 至 {km1} 的计数不显示（小数抑制）：此类点不绘出，折线因此有缺口。"),
    "x_suppressed_shares": ("To protect people, counts from 1 to {km1} are hidden (small-number suppression): a share "
                            "resting on one is left out (it would give the count back).",
                            "为保护个人，1 至 {km1} 的计数不显示（小数抑制）：基于此类计数的占比不绘出（否则可推算出计数）。"),
    "x_suppressed_mix": ("To protect people, counts from 1 to {km1} are hidden (small-number suppression): such "
                         "segments are left out, and each bar ends with how many (+n×<{k}).",
                         "为保护个人，1 至 {km1} 的计数不显示（小数抑制）：此类段不绘出，各条形末端注明隐藏的段数（+n×<{k}）。"),
    "x_suppressed_flows": ("To protect people, counts from 1 to {km1} are hidden (small-number suppression): such "
                           "flows are left out.",
                           "为保护个人，1 至 {km1} 的计数不显示（小数抑制）：此类流向不绘出。"),
    "x_suppressed": ("To protect people, counts from 1 to {km1} are hidden (small-number suppression): a bar or "
                     "cell reads <{k} (grey cells in heatmaps), a stacked bar ends with its hidden segments "
                     "(+n×<{k}), and points and shares resting on them are left out (gaps in lines).",
                     "为保护个人，1 至 {km1} 的计数不显示（小数抑制）：条形或格子标为 <{k}（热力图中为灰格），"
                     "堆叠条形末端注明其隐藏的段数（+n×<{k}），基于这些计数的点和占比不绘出（折线因此有缺口）。"),
    "x_allegations": ("Complaints are allegations, not verified facts.", "投诉为投诉人陈述，未经核实。"),
    "x_made": ("Collection Watch · exported {date}", "催收观察 · 导出于 {date}"),
    "download_png": ("PNG", "PNG"),
    "download_svg": ("SVG", "SVG"),
    "download_pdf": ("PDF", "PDF"),
    "download_xlsx": ("XLSX", "XLSX"),
    "download_suppress": ("Suppress counts below 5 in downloads", "下载时隐藏小于 5 的计数"),
    "suppress_help": ("For downloads and the report pack: counts from 1 to 4 become \"<5\" so no person can be "
                      "singled out from a published figure. The charts on screen always show exact numbers.",
                      "用于下载和报告包：1 至 4 的计数显示为“<5”，避免从公开数字中识别出个人。屏幕上的图表始终显示准确数字。"),
    "report_pack": ("Report pack (ZIP)", "报告包（ZIP）"),
    "report_pack_again": ("Build the report pack again", "重新生成报告包"),
    "report_pack_download": ("Download the report pack (ZIP)", "下载报告包（ZIP）"),
    "report_failed": ("The report pack could not be built (the error is in the server's log). Try a narrower "
                      "filter, or tell whoever runs the server.",
                      "报告包生成失败（错误已写入服务器日志）。可缩小筛选范围重试，或告知服务器管理员。"),
    "report_building": ("Building the report pack…", "正在生成报告包……"),
    "r_title": ("Improper debt collection: what the complaints show", "不当催收：投诉数据说明了什么"),
    "r_subtitle": ("Collection Watch report", "催收观察报告"),
    "r_date": ("Report date: {date}", "报告日期：{date}"),
    "r_filters": ("Filters", "筛选条件"),
    "r_sources": ("Data sources", "数据来源"),
    "r_contents": ("Contents", "目录"),
    "r_charts": ("Charts", "图表"),
    "r_method": ("Method", "方法说明"),
    "r_caveats": ("Caveats", "注意事项"),
    "r_codes": ("What each conduct code means", "各行为代码的含义"),
    "r_rules": ("Rules the flags rest on", "标记所依据的规则"),
    "r_coverage": ("Coverage of times and narratives", "时间与投诉正文的覆盖情况"),
    "r_no_chart": ("Nothing to chart for these filters.", "该筛选条件下没有可绘制的数据。"),
    "r_source_row": ("{name} ({publisher}): {n} complaints, received {first} to {last}",
                     "{name}（{publisher}）：{n} 条投诉，受理日期 {first} 至 {last}"),
    "r_cov_times": ("{pct} of the {total} incidents have an exact clock time; {daypart} have only a part of the day and "
                    "{flag} only an 'outside hours' flag. Hour charts rest on the incidents with an exact time only.",
                    "{total} 个事件中 {pct} 有精确时刻；{daypart} 仅有时段，{flag} 仅有“时段外”标记。小时分布图只依据有精确时刻的事件。"),
    "r_cov_narr": ("{pct} of the {total} complaints include the complainant's narrative ({n}); conduct found only in "
                   "narratives is missing for the others.",
                   "{total} 条投诉中 {pct} 附有投诉人自述正文（{n} 条）；其余投诉只能依据结构化字段识别行为。"),
    "r_codes_head": ("Code", "代码"),
    "r_label_head": ("Label", "名称"),
    "r_rules_head": ("Rules by jurisdiction", "各地区规则"),
    "r_rule_head": ("Rule", "规则"),
    "r_rule_text_head": ("What it says (rulebook, English)", "内容（规则手册，英文原文）"),
    "r_rule_source_head": ("Published source", "公开来源"),
    "r_rule_kind_head": ("Kind / checked", "类型/核实"),
    "r_rules_note": ("RULEBOOK is a research draft compiled from public texts; kinds: LAW statute, REG regulation, "
                     "SRO self-regulatory, PRES presumption, GUIDE guidance; checked: V own text, S secondary sources, "
                     "R from memory.",
                     "RULEBOOK 为依据公开文本整理的研究稿；类型：LAW 法律，REG 监管规定，SRO 行业自律，PRES 推定，GUIDE 指引；"
                     "核实：V 核对原文，S 仅核对二手来源，R 未核实。"),
    "r_cav_unreviewed": ("Flags are against published rules and have not been reviewed by a lawyer: they mark what a "
                         "complaint describes, not a legal finding.",
                         "各项标记依据已公布的规则，未经律师审核：只说明投诉所描述的情况，并非法律认定。"),
    "r_cav_classifier": ("Labels read from narratives come from the classifier's pattern rules. Tested on narratives "
                         "the rules were not written for, the labels it gives are mostly right, but it misses much of the "
                         "conduct people describe (about half in English, about one in six in Chinese). Counts from "
                         "narratives are therefore lower bounds.",
                         "从投诉正文识别的标签来自分类器的模式规则。在编写规则时未曾见过的正文上测试，识别出的标签大多正确，"
                         "但会漏掉相当一部分所述行为（英文约一半，中文约六分之一）。因此，依据正文的计数是下限。"),
    "r_cav_allegations": ("Complaints are the complainants' allegations; they have not been verified.",
                          "投诉内容为投诉人的陈述，未经核实。"),
    "r_cav_coverage": ("Counts show what was reported and recorded (coverage), not how often improper collection "
                       "happens (prevalence). Sources differ in what they record; times are known for few incidents.",
                       "计数反映的是被投诉和记录的情况（覆盖），不代表不当催收实际发生的频率（发生率）。各来源记录的内容不同，"
                       "只有少数事件有确切时间。"),
    "r_cav_suppression": ("Small numbers: counts from 1 to {km1} are shown as <{k} (grey cells in heat maps), and a "
                          "share computed from such a count as –, so no person can be recognised. Totals are not "
                          "adjusted.",
                          "小数抑制：1 至 {km1} 的计数显示为 <{k}（热力图中为灰色格子），由这类计数算出的占比显示为 –，以免识别出个人。"
                          "合计未作调整。"),
    "r_cav_no_suppression": ("Small numbers are NOT suppressed in this report; check before publishing.",
                             "本报告未做小数抑制；发布前请检查。"),
    "r_cav_multi": ("A complaint can carry several conducts and methods, so those counts add up to more than the "
                    "number of complaints.", "一条投诉可有多项行为和方式，因此这些计数之和会超过投诉总数。"),
    "r_page": ("Page", "页"),
    # ---- end of exports block ----
    # ---- import and intake pages (issue 4 UI) ----
    "page_import": ("Import", "导入数据"),
    "page_intake": ("Intake", "登记投诉"),
    "imp_intro": ("Upload a CSV or Excel file, check the preview and the column mapping, validate, then import. "
                  "Nothing is written before you press Import; an import lands completely or not at all, and the "
                  "dashboard keeps serving while it runs.",
                  "上传 CSV 或 Excel 文件，核对预览和列对应关系，校验后导入。按下“导入”之前不写入任何内容；一次导入要么全部写入，"
                  "要么完全不写入，导入期间看板照常可用。"),
    "imp_upload": ("File (CSV, .xlsx, or a .zip of one CSV)", "文件（CSV、.xlsx，或只含一个 CSV 的 .zip）"),
    "imp_upload_help": ("Any encoding (UTF-8, UTF-8 with BOM, GBK/GB18030 are detected); Excel workbooks with "
                        "several sheets; the CFPB's own download (complaints.csv.zip) as it is.",
                        "任何编码（自动识别 UTF-8、带 BOM 的 UTF-8、GBK/GB18030）；可含多个工作表的 Excel 文件；"
                        "CFPB 官网下载的 complaints.csv.zip 可直接导入。"),
    "imp_wait": ("Choose a file to see its preview.", "请选择文件，随后显示预览。"),
    "imp_to_intake": ("Record a single complaint by hand on the Intake page", "在“登记投诉”页面手工登记单条投诉"),
    "imp_unreadable": ("This file cannot be read: {msg}", "无法读取此文件：{msg}"),
    "imp_format": ("Format / profile", "格式/模板"),
    "imp_fmt_cfpb": ("CFPB complaint export (cfpb)", "CFPB 投诉数据导出（cfpb）"),
    "imp_matches": ("Profiles that fit these columns: {list}", "与这些列相符的模板：{list}"),
    "imp_match_item": ("{name} ({n} columns recognised)", "{name}（识别 {n} 列）"),
    "imp_is_cfpb": ("These are the columns of a CFPB complaint export: it is imported with the CFPB format.",
                    "这些是 CFPB 投诉数据导出的列：将按 CFPB 格式导入。"),
    "imp_no_match": ("No profile recognises these columns: choose the closest format and map the columns below.",
                     "没有模板能识别这些列：请选择最接近的格式，并在下方指定各列对应的字段。"),
    "imp_sheet": ("Sheet", "工作表"),
    "imp_all_sheets": ("All sheets", "全部工作表"),
    "imp_preview": ("Preview", "预览"),
    "imp_detected": ("{kind} file · encoding {encoding} · first {n} rows · sheets: {sheets}. Personal data is "
                     "already masked here, as it will be in the database.",
                     "{kind} 文件 · 编码 {encoding} · 前 {n} 行 · 工作表：{sheets}。此处个人信息已脱敏，写入数据库时同样如此。"),
    "imp_encoding_unsure": ("The encoding is a guess: the file is read as {encoding}, not UTF-8. If names in the "
                            "preview look wrong, save the file as UTF-8 (CSV UTF-8 in Excel) and upload it again.",
                            "编码为推测：文件按 {encoding} 读取，而非 UTF-8。如预览中的名称显示异常，请将文件另存为 UTF-8"
                            "（Excel 中选择“CSV UTF-8”）后重新上传。"),
    "imp_encoding_damaged": ("Read as {encoding}: {invalid} byte(s) are not valid {encoding} (the rows holding them "
                             "will be quarantined) and {damaged} character(s) were already replaced by � before "
                             "this file was made.",
                             "按 {encoding} 读取：有 {invalid} 个字节不是有效的 {encoding}（含这些字节的行将被隔离），"
                             "另有 {damaged} 个字符在生成此文件前已被替换为 �。"),
    "imp_cfpb_note": ("CFPB files have a fixed layout: no mapping is needed, and rows are checked during the import.",
                      "CFPB 文件格式固定：无需指定列对应关系，各行在导入时校验。"),
    "imp_mapping": ("Column mapping", "列对应关系"),
    "imp_mapping_help": ("For each column of the file, the field it gives (proposed from the headers; change it if "
                         "it is wrong, or choose “not used”).",
                         "文件的每一列对应哪个字段（根据表头自动建议；如不对请修改，或选“不使用”）。"),
    "imp_not_used": ("— not used —", "—（不使用）"),
    "imp_map_twice": ("{field} is given by more than one column ({cols}): keep one.",
                      "“{field}”同时对应了多列（{cols}）：只保留一列。"),
    "imp_map_missing": ("No column gives {field}, which this format requires.", "没有任何列对应“{field}”，该格式需要此字段。"),
    "imp_save_profile": ("Save this mapping as a profile", "将此对应关系保存为模板"),
    "imp_profile_name": ("Profile name", "模板名称"),
    "imp_profile_name_help": ("1–40 lower-case letters, digits or _ (e.g. hotline_2024). Saved as a plain file and "
                              "offered as a format next time.",
                              "1–40 个小写字母、数字或下划线（如 hotline_2024）。保存为普通文件，下次可直接选用。"),
    "imp_save_profile_btn": ("Save profile", "保存模板"),
    "imp_profile_bad": ("The profile was not saved: {msg}", "模板未保存：{msg}"),
    "imp_profile_saved": ("Profile {name} saved ({path}).", "模板 {name} 已保存（{path}）。"),
    "imp_validation": ("Validation", "校验"),
    "imp_validate": ("Validate", "校验"),
    "imp_refused": ("Nothing was written: {msg}", "未写入任何内容：{msg}"),
    "imp_rows": ("Rows read", "读取行数"),
    "imp_accepted": ("Accepted", "通过"),
    "imp_quarantined": ("Quarantined (with reasons)", "隔离（附原因）"),
    "imp_qa": ("Values not coded", "未能编码的值"),
    "imp_download_quarantine": ("Quarantined rows (CSV)", "隔离行（CSV）"),
    "imp_download_qa": ("Values not coded (CSV)", "未能编码的值（CSV）"),
    "imp_all_good": ("Every row passes and every value is understood.", "所有行均通过校验，所有值均可识别。"),
    "imp_commit": ("Import", "导入"),
    "imp_commit_help": ("Into {path}. Importing the same file again adds nothing.", "写入 {path}。重复导入同一文件不会新增内容。"),
    "imp_first_real": ("Only demonstration data is loaded, so this computer's single-user mode may change the data. "
                       "Once this file's complaints are in, changing the data (more imports, removing one, reviews) "
                       "needs an account: to try a file out, import it into a separate database (--db), or create an "
                       "admin first (.venv/bin/python -m analysis.accounts add NAME --role admin).",
                       "目前只有演示数据，本机单用户模式可以修改数据。导入本文件的投诉后，再修改数据（继续导入、删除、复核）"
                       "需要账户：如只想试用文件，请导入到单独的数据库（--db），或先创建管理员"
                       "（.venv/bin/python -m analysis.accounts add 账户名 --role admin）。"),
    "imp_replace": ("This file is the corrected, complete record of the complaints it lists",
                    "此文件是其所列投诉经更正后的完整记录"),
    "imp_replace_help": ("Ticked: each complaint the file lists is rebuilt from its rows, so a corrected time or "
                         "method replaces the wrong one, and every earlier incident of that complaint that is not in "
                         "this file is removed, from whichever intake file it came (a complaint logged in several "
                         "monthly files keeps only this file's incidents). Call logs and reviewers' entries stay. "
                         "A complaint with a row set aside is left as it was. Not ticked: new rows are added to their "
                         "complaints and rows already imported stay as they are.",
                         "勾选：文件中列出的每条投诉按文件中的行重建，改正后的时间或方式替换原来错误的记录；该投诉此前导入、但不在此文件中的事件"
                         "都会被删除，无论来自哪个登记文件（分月登记的投诉只保留此文件中的事件）。通话记录和复核人员添加的内容保留。"
                         "有行被隔离的投诉保持不变。不勾选：新的行加入所属投诉，已导入的行保持不变。"),
    "imp_import": ("Import", "导入"),
    "imp_importing": ("Importing…", "正在导入…"),
    "imp_done": ("Imported. Every chart shows the new data now.", "导入完成。所有图表已包含新数据。"),
    "imp_to_data": ("See the import log and quarantine on the Data page", "在“数据”页面查看导入记录和隔离行"),
    "imp_status_imported": ("imported", "已导入"),
    "imp_status_already": ("already imported (same file): nothing added", "已导入过（同一文件）：未新增"),
    "imp_col_file": ("File", "文件"),
    "imp_col_status": ("Status", "状态"),
    "imp_col_rows": ("Rows", "行数"),
    "imp_col_accepted": ("Accepted", "通过"),
    "imp_col_quarantined": ("Quarantined", "隔离"),
    "imp_col_unchanged": ("Already present", "已存在"),
    "imp_col_updated": ("Updated", "更新"),
    "imp_col_qa": ("Values noted", "已注明的值"),
    "imp_col_encoding": ("Encoding", "编码"),
    "imp_col_import_id": ("Import id", "导入编号"),
    "imp_col_header": ("Column", "列"),
    "imp_col_example": ("First value", "首个值"),
    "imp_col_field": ("Field", "字段"),
    "in_intro": ("Record a complaint received by phone or in person, with each collection contact it describes. "
                 "Entries are checked as you type; on saving they go through the same checks, masking of personal "
                 "data and import log as a file.",
                 "登记通过电话或来访收到的投诉及其描述的每次催收联系。输入时即时检查；保存时与文件导入一样经过校验、个人信息脱敏并记入导入日志。"),
    "in_tab_form": ("New complaint", "新投诉"),
    "in_tab_calls": ("Call log as evidence", "通话记录证据"),
    "in_tab_bulk": ("Bulk entry (template)", "批量登记（模板）"),
    "in_complaint": ("Complaint", "投诉"),
    "in_reference": ("Registration number (optional)", "登记编号（可选）"),
    "in_reference_help": ("Leave empty to use the number shown. Letters, digits, - _ . only.",
                          "留空则使用显示的编号。只能包含字母、数字和 - _ .。"),
    "in_err_reference": ("The registration number may hold only letters, digits, '-', '_' and '.' (at most 40).",
                         "登记编号只能包含字母、数字、“-”“_”“.”（最多 40 个字符）。"),
    "in_err_reference_used": ("registration number {ref} is already a complaint in the database; leave the field "
                              "empty for a new number (to change that complaint, import a corrected intake log)",
                              "登记编号 {ref} 在数据库中已有投诉；请留空以使用新编号（如需修改该投诉，请导入更正后的登记表）"),
    "in_received": ("Received on", "受理日期"),
    "in_jurisdiction": ("Jurisdiction (rules applied)", "适用地区（所用规则）"),
    "in_creditor": ("Creditor / platform", "债权方/平台"),
    "in_collector": ("Collector", "催收方"),
    "in_region": ("Province / state", "省份/州"),
    "in_filed_with": ("Filed with", "受理机构"),
    "in_medium": ("Received by", "受理方式"),
    "in_status": ("Status", "处理状态"),
    "in_demands": ("Demands", "诉求"),
    "in_choose": ("Choose…", "请选择…"),
    "in_narrative": ("What the complainant says happened", "投诉人陈述"),
    "in_text_limit": ("At most {n} characters: a longer paste is not taken at all; paste it in parts, or import "
                      "the text in an intake log file.", "最多 {n} 个字符：超过的粘贴内容会整段无法粘贴；请分段粘贴，或用登记表文件导入。"),
    "in_narrative_hint": ("In the complainant's words. Phone numbers, ID and card numbers and names are masked "
                          "before saving.", "尽量用投诉人的原话。电话、身份证号、银行卡号和姓名会在保存前脱敏。"),
    "in_rule_note": ("Times are checked against {rule}: {text}.", "时间按 {rule} 检查：{text}。"),
    "in_incidents": ("Collection contacts (incidents)", "催收联系（事件）"),
    "in_n_incidents": ("Number of incidents", "事件数"),
    "in_incident_n": ("Incident {i}", "事件 {i}"),
    "in_date": ("Date", "日期"),
    "in_time_kind": ("Time known as", "时间精度"),
    "in_kind_exact": ("Clock time", "具体时刻"),
    "in_kind_daypart": ("Part of day", "时段"),
    "in_kind_date_only": ("Date only", "仅日期"),
    "in_clock": ("Clock time (HH:MM)", "时刻（时:分）"),
    "in_clock_help": ("24-hour local time where the borrower was, e.g. 22:30.", "借款人所在地的 24 小时制时间，如 22:30。"),
    "in_daypart": ("Part of day", "时段"),
    "in_method": ("Method", "催收方式"),
    "in_recipient": ("Who was contacted", "被联系人"),
    "in_number": ("Collector's number (optional)", "催收号码（可选）"),
    "in_number_help": ("Stored only as a salted hash, so repeat numbers can be counted without being shown.",
                       "仅以加盐哈希保存，可统计重复号码而不显示号码本身。"),
    "in_conduct": ("Improper conduct", "不当行为"),
    "in_said": ("What was said / written", "对方说了什么/写了什么"),
    "in_err_received_empty": ("Enter the date the complaint was received.", "请填写受理日期。"),
    "in_err_received_future": ("The received date {d} is in the future.", "受理日期 {d} 晚于今天。"),
    "in_err_company": ("Name the creditor or the collector (at least one).", "请至少填写债权方或催收方之一。"),
    "in_err_jurisdiction": ("Choose CN or US.", "请选择中国或美国。"),
    "in_err_date_empty": ("Enter the date of the contact.", "请填写联系日期。"),
    "in_err_date_future": ("The date {d} is in the future.", "日期 {d} 晚于今天。"),
    "in_err_date_after_received": ("The date {d} is after the complaint was received ({r}).",
                                   "日期 {d} 晚于受理日期（{r}）。"),
    "in_err_time_empty": ("Enter the clock time (e.g. 22:30), or choose “part of day” or “date only”.",
                          "请填写时刻（如 22:30），或改选“时段”或“仅日期”。"),
    "in_err_time_bad": ("“{v}” is not a clock time between 00:00 and 23:59 (write it as HH:MM, e.g. 22:30).",
                        "“{v}”不是 00:00 至 23:59 之间的时刻（请写成 时:分，如 22:30）。"),
    "in_err_daypart_empty": ("Choose the part of day.", "请选择时段。"),
    "in_err_method": ("Choose the method of contact.", "请选择催收方式。"),
    "in_err_recipient": ("Choose who was contacted.", "请选择被联系人。"),
    "in_verdict_outside": ("{time} is outside permitted hours ({rule}).", "{time} 在允许时段外（{rule}）。"),
    "in_verdict_boundary": ("{time} is a boundary case of the permitted hours ({rule}).", "{time} 属允许时段的边界情形（{rule}）。"),
    "in_verdict_inside": ("{time} is within permitted hours ({rule}).", "{time} 在允许时段内（{rule}）。"),
    "in_verdict_unknown": ("{time}: cannot be checked against {rule}.", "{time}：无法按 {rule} 判断。"),
    "in_verdict_daypart_unknown": ("{time} is partly inside the permitted hours: not decided by {rule} without a "
                                   "clock time.", "{time} 部分在允许时段内：没有具体时刻无法按 {rule} 判断。"),
    "in_verdict_no_rule": ("{time}: the time rules do not cover {method}.", "{time}：时段规则不适用于“{method}”。"),
    "in_incident_problem": ("incident {i}: {msg}", "事件 {i}：{msg}"),
    "in_save": ("Save complaint", "保存投诉"),
    "in_saving": ("Saving…", "正在保存…"),
    "in_not_saved": ("Not saved, please correct: {list}", "未保存，请先更正：{list}"),
    "in_duplicate": ("This looks like an entry that is already saved: {ids} (same received date, creditor, collector "
                     "and narrative). Saving again creates a second complaint.",
                     "这条登记似乎已经保存过：{ids}（受理日期、被投诉方、催收方和投诉正文都相同）。再次保存会生成第二条投诉。"),
    "in_save_anyway": ("Save anyway as a separate complaint", "仍作为另一条投诉保存"),
    "in_not_saved_duplicate": ("Not saved: the same entry is already saved. Tick \"Save anyway\" to save a second "
                               "complaint.",
                               "未保存：相同的登记已经保存过。如确需保存第二条投诉，请勾选“仍作为另一条投诉保存”。"),
    "in_save_failed": ("Not saved (nothing was written): {msg}", "未保存（未写入任何内容）：{msg}"),
    "in_quarantined": ("{n} incident(s) could not be stored and are in quarantine (see the Data page).",
                       "{n} 个事件未能保存，已放入隔离区（见“数据”页面）。"),
    "in_saved": ("Saved as complaint {cid} with {n} incident(s). It is counted in every chart now.",
                 "已保存为投诉 {cid}，含 {n} 个事件。所有图表现已计入。"),
    "in_to_overview": ("Open the Overview of the association's intake", "打开总览（协会登记的投诉）"),
    "in_calls_intro": ("Attach a borrower's call log or message list (columns such as 号码, 时间, 通话时长, 呼叫类型, "
                       "是否接通) to a complaint: each incoming call becomes an incident with its exact time, "
                       "checked against the time and frequency rules of the complaint's jurisdiction.",
                       "为投诉附上借款人的通话记录或短信记录（列如 号码、时间、通话时长、呼叫类型、是否接通）：每个来电成为一个有确切时间的事件，"
                       "并按该投诉适用地区的时段和频率规则检查。"),
    "in_calls_complaint": ("Complaint", "投诉"),
    "in_new_complaint": ("— a new complaint from this log —", "—（以此记录新建投诉）"),
    "in_calls_upload": ("Call log (CSV or .xlsx)", "通话记录（CSV 或 .xlsx）"),
    "in_calls_upload_help": ("Numbers are stored only as salted hashes; the borrower's own outgoing calls are "
                             "kept in raw, not counted.", "号码仅以加盐哈希保存；借款人自己拨出的电话保留在原始数据中，不计入。"),
    "in_calls_import": ("Import call log", "导入通话记录"),
    "in_calls_done": ("Call log imported: {n} calls added, {q} quarantined, {u} already present or outgoing.",
                      "通话记录已导入：新增 {n} 个来电，隔离 {q} 行，{u} 行已存在或为拨出。"),
    "in_calls_none": ("This complaint has no calls with an exact time yet: import its call log above.",
                      "该投诉还没有确切时间的来电：请在上方导入通话记录。"),
    "in_forbidden_title": ("Calls in forbidden hours: {n} ({rule})", "禁止时段内的来电：{n} 个（{rule}）"),
    "in_forbidden_none": ("No call in forbidden hours.", "没有禁止时段内的来电。"),
    "in_freq_title": ("Frequency checks ({jur})", "频率检查（{jur}）"),
    "in_freq_none": ("No frequency rule is broken by these calls.", "这些来电未违反频率规则。"),
    "in_timeline_title": ("Every incident of this complaint, by date and time", "该投诉的全部事件（按日期和时间）"),
    "in_col_time": ("Date and time", "日期时间"),
    "in_col_method": ("Method", "方式"),
    "in_col_recipient": ("Contacted", "被联系人"),
    "in_col_answered": ("Answered", "接通"),
    "in_col_duration": ("Seconds", "时长（秒）"),
    "in_col_status": ("Time check", "时段判断"),
    "in_col_rule": ("Rule", "规则"),
    "in_col_source": ("From", "来源"),
    "in_col_date": ("Date", "日期"),
    "in_col_count": ("Count", "次数"),
    "in_col_detail": ("Detail", "说明"),
    "in_yes": ("yes", "是"),
    "in_no": ("no", "否"),
    "in_bulk_intro": ("For many entries: fill in the template (one row per incident; rows with the same "
                      "registration number form one complaint) and import it on the Import page with the format "
                      "“intake”. Both templates hold the same columns; the Chinese one also imports from the "
                      "command line.",
                      "批量登记：填写模板（每个事件一行；登记编号相同的行属于同一投诉），然后在“导入数据”页面以格式“intake”导入。"
                      "两个模板的列相同；中文表头的模板也可用命令行导入。"),
    "in_template_zh": ("Template, Chinese headers (CSV)", "模板，中文表头（CSV）"),
    "in_template_en": ("Template, English headers (CSV)", "模板，英文表头（CSV）"),
    "in_guide_zh": ("Header (Chinese)", "表头（中文）"),
    "in_guide_en": ("Header (English)", "表头（英文）"),
    "in_guide_field": ("What it holds", "内容"),
    "in_guide_example": ("Examples", "示例"),
    "in_to_import": ("Go to the Import page", "前往“导入数据”页面"),
    "tl_title": ("Calls of this complaint by date and clock time ({n})", "该投诉的来电：日期 × 时刻（{n} 个）"),
    "tl_forbidden": ("forbidden hours ({rule})", "禁止时段（{rule}）"),
    "tl_answered": ("Answered", "已接通"),
    "tl_unanswered": ("Not answered", "未接通"),
    "tl_unknown": ("Not recorded", "未记录"),
    "tl_clock": ("Local time", "当地时间"),
    "tl_date": ("Date", "日期"),
    "in_todo": (":material/edit: Still to fill in: {list}", ":material/edit: 尚需填写：{list}"),
    # ---- end of import and intake pages block ----
    # --- view (issue 10) ---
    "f_data_span": ("The data runs from {first} to {last}; these dates mean no restriction.",
                    "数据起止：{first} 至 {last}；保持这两个日期即不限日期。"),
    "drill_hint": ("Click a bar, cell or point to filter the whole view to it.",
                   "点击柱形、单元格或数据点，即可将整个视图筛选到该项。"),
    "drill_done": ("Filtered to {what}. Use the browser's back button or the sidebar to undo.",
                   "已筛选到 {what}。可用浏览器的后退按钮或侧栏筛选撤销。"),
    "views_title": ("Saved views", "保存的视图"),
    "views_none": ("No saved views yet.", "尚无保存的视图。"),
    "views_name": ("Name for this view", "视图名称"),
    "views_save": ("Save this view", "保存当前视图"),
    "views_saved": ("Saved as “{name}”: everyone using this database sees it in this list.",
                    "已保存为“{name}”：使用此数据库的所有人都能在此列表中看到。"),
    "views_link": ("Link to this view (filters, language and page choices):", "当前视图的链接（含筛选、语言和页面选项）："),
    "behind_chart": ("Complaints and narratives behind this chart", "查看该图背后的投诉与正文"),
    # --- companies (issue 10) ---
    "page_companies": ("Companies", "涉诉机构"),
    "co_measure": ("Rank by", "排名依据"),
    "co_min_count": ("Minimum complaints for a rate", "比率的最少投诉数"),
    "co_min_count_opt": ("{n} (default)", "{n}（默认）"),
    "co_min_count_help": ("A rate ranks only companies whose base (the rate's denominator) has at least this many "
                          "complaints; below it one or two complaints swing a rate between 0% and 100%. Default: {n}.",
                          "只有比率基数（分母）不少于该投诉数的机构参与比率排名；基数太小时一两条投诉就会让比率在 0% 与 100% 之间摆动。"
                          "默认：{n}。"),
    "co_m_complaints": ("Complaints", "投诉数"),
    "co_m_conduct": ("Share with conduct: {label}", "涉该行为的投诉占比：{label}"),
    "co_m_outside_hours": ("Share with contact outside permitted hours", "涉禁止时段催收的投诉占比"),
    "co_m_timely": ("Timely-response rate", "及时回复率"),
    "co_m_outcome": ("Share with outcome: {label}", "处理结果占比：{label}"),
    "co_rank_title": ("Company ranking (top {n})", "机构排名（前 {n} 名）"),
    "co_note_count_one": ("1 company in the filter.", "筛选范围内共 1 家机构。"),
    "co_note_count_all": ("{total:,} companies in the filter; all are shown.", "筛选范围内共 {total:,} 家机构，全部显示。"),
    "co_note_count": ("{total:,} companies in the filter; the first {n} are shown.",
                      "筛选范围内共 {total:,} 家机构，显示前 {n} 家。"),
    "co_note_excluded": ("Not ranked: {k:,} companies with fewer than {min} complaints in the rate's base.",
                         "未排名：比率基数不足 {min} 条投诉的 {k:,} 家机构。"),
    "co_note_none_excluded": ("Every company has at least {min} complaints in the rate's base.",
                              "所有机构的比率基数均不少于 {min} 条投诉。"),
    "co_note_ascending": ("Lowest rate first.", "比率由低到高排列。"),
    "co_spellings": ("{n} spellings", "{n} 种写法"),
    "co_share_axis": ("% of complaints", "占投诉的百分比"),
    "co_others": ("All other complaints", "其他投诉"),
    "co_of_company": ("Complaints of {company}", "{company}的投诉"),
    "co_trend_title": ("The company's complaints per month", "该机构每月投诉数"),
    "co_mix_title": ("Conduct: this company against all other complaints", "不当行为构成：该机构与其他投诉对比"),
    "co_outcome_title": ("Outcomes of the company's complaints", "该机构投诉的处理结果"),
    "co_no_ranked": ("No company has at least {min} complaints in this rate's base. Choose a lower minimum.",
                     "没有机构的比率基数达到 {min} 条投诉。请选择更小的最少投诉数。"),
    "co_no_company": ("No complaint in this filter names a company.", "当前筛选范围内的投诉都没有记录机构名称。"),
    "co_base_note": ("Bases: complaints of the company in the filter; for the timely-response rate, those whose "
                     "timeliness is known. Contact outside permitted hours: a complaint counts once if any of its "
                     "incidents is outside the jurisdiction's permitted hours (an exact time, a daypart wholly outside, "
                     "or a source flag such as CFPB's “before 8am or after 9pm”, which is no exact hour).",
                     "基数：该机构在筛选范围内的投诉；及时回复率的基数为已知是否及时回复的投诉。禁止时段催收：投诉中任一催收事件发生在"
                     "适用地区的禁止时段（确切时间、完全落在禁止时段的时间段，或来源标记，如 CFPB 的“早 8 点前或晚 9 点后”，"
                     "该标记并非确切时刻），该投诉计一次。"),
    "co_grouping_note": ("One company = the names that differ only in case, width, punctuation or legal form (Inc., LLC, "
                         "有限公司…), plus renamed companies from a reviewed alias list; masked names such as 信*飞 are "
                         "kept as written.",
                         "同一机构 = 仅大小写、全半角、标点或公司类型（Inc.、LLC、有限公司等）不同的名称，以及经核对的更名对照表中的"
                         "名称；信*飞 这类打码名称按原样保留。"),
    "co_profile": ("Company profile", "机构概况"),
    "co_profile_pick": ("Company", "机构"),
    "co_kpi_complaints": ("Complaints", "投诉数"),
    "co_kpi_narratives": ("With a narrative", "有投诉正文"),
    "co_kpi_timely": ("Timely responses", "及时回复率"),
    "co_kpi_timely_help": ("Of {n:,} complaints whose timeliness is known.", "基于 {n:,} 条已知是否及时回复的投诉。"),
    "co_names_title": ("Spellings grouped under this company ({n})", "归入该机构的名称写法（{n} 种）"),
    "co_channels": ("Where and how its complaints were lodged", "该机构投诉的渠道"),
    "co_ch_filed_with": ("Filed with", "受理机构"),
    "co_ch_submission_medium": ("Submitted via", "提交方式"),
    "co_col_rank": ("Rank", "名次"),
    "co_col_company": ("Company", "机构"),
    "co_col_value": ("Value", "数值"),
    "co_col_counted": ("Complaints counted", "计入投诉数"),
    "co_col_base": ("Base", "基数"),
    "co_col_total": ("All its complaints", "全部投诉数"),
    "co_col_names": ("Spellings grouped", "归并的名称写法"),
    "co_col_channel": ("Channel", "渠道"),
    "co_col_code": ("Value", "取值"),
    "co_col_share": ("Share %", "占比 %"),
    # short: the long header pushed the column out of a 1024 px window; the help says the rest
    "co_col_share_all": ("% of all", "占全部 %"),
    "co_col_share_all_help": ("Share of all complaints in the filter, %", "占筛选范围内全部投诉的比例（%）"),
    "col_rank": ("Rank", "名次"),
    "col_company": ("Company (names grouped)", "机构（名称归并后）"),
    "col_measure": ("Ranked by", "排名依据"),
    "col_base_count": ("Base of the rate (complaints)", "比率基数（投诉数）"),
    "col_total_complaint_count": ("All the company's complaints", "该机构全部投诉数"),
    "col_is_ranked": ("Ranked", "参与排名"),
    "col_min_base": ("Minimum base for a rate", "比率的最小基数"),
    "col_company_names": ("Spellings grouped", "归并的名称写法"),
    "col_others_complaint_count": ("Other complaints", "其他投诉数"),
    "col_others_share_pct": ("Share of other complaints (%)", "占其他投诉的百分比"),
    "col_company_base_count": ("The company's complaints", "该机构投诉数"),
    "col_others_base_count": ("All other complaints", "其他投诉总数"),
    "co_d_ranking_count": ("Ranked by: {measure}. {top}. {n} companies ranked.",
                           "排名依据：{measure}。{top}。共 {n} 家机构参与排名。"),
    "co_d_ranking": ("Ranked by: {measure}. {top}. {n} companies ranked; {k} not ranked (a rate needs {min} "
                     "complaints in its base).",
                     "排名依据：{measure}。{top}。共 {n} 家机构参与排名；{k} 家未排名（比率基数须达 {min} 条投诉）。"),
    "co_d_trend": ("{company}: {n} complaints from {first} to {last}; the busiest month was {peak} ({peak_n}).",
                   "{company}：{first} 至 {last} 共 {n} 条投诉；最多的月份为 {peak}（{peak_n} 条）。"),
    "co_d_mix": ("{company} ({n} complaints): its most frequent conduct is {conduct}, in {share} of its complaints "
                 "against {others} of all other complaints.",
                 "{company}（{n} 条投诉）：最常见的行为为“{conduct}”，占其投诉的 {share}，其他投诉中占 {others}。"),
    "co_d_outcomes": ("{company} ({n} complaints): the most frequent outcome is {outcome}, {count} ({share}).",
                      "{company}（{n} 条投诉）：最常见的处理结果为“{outcome}”，{count} 条（{share}）。"),
    # --- trends (issue 10) ---
    "page_trends": ("Trends", "趋势"),
    "trends_measure": ("Measure", "指标"),
    "trends_period": ("Period", "周期"),
    "trends_m_complaints": ("Complaints", "投诉数"),
    "trends_m_improper": ("Complaints with improper conduct", "涉不当行为的投诉数"),
    "trends_m_conduct": ("Complaints: {conduct}", "涉“{conduct}”的投诉数"),
    "trends_m_incidents": ("Incidents", "催收事件数"),
    "trends_m_outside_hours": ("Incidents alleged outside permitted hours", "被指在禁止时段的催收事件数"),
    "trends_period_week": ("Week", "周"),
    "trends_period_month": ("Month", "月"),
    "trends_period_quarter": ("Quarter", "季度"),
    "trends_chart_complaints": ("Complaints over time, with spikes and rule events", "投诉数随时间的变化（含异常高峰与规则事件）"),
    "trends_chart_incidents": ("Incidents over time, with spikes and rule events", "催收事件数随时间的变化（含异常高峰与规则事件）"),
    "trends_axis_week": ("Week (ISO, starting Monday)", "周（ISO 周，周一起）"),
    "trends_axis_month": ("Month", "月份"),
    "trends_axis_quarter": ("Quarter", "季度"),
    "trends_change_axis": ("Change vs previous period", "较上期变化"),
    "trends_change_axis_short": ("Change", "变化"),
    "trends_legend_incomplete": ("Incomplete period (partial data)", "不完整周期（数据不全）"),
    "trends_incomplete_short": ("incomplete", "不完整"),
    "trends_legend_spike": ("Spike", "异常高峰"),
    "trends_hover_value": ("{period}: {value}", "{period}：{value}"),
    "trends_hover_change": ("Change vs previous period: {change}{pct}", "较上期：{change}{pct}"),
    "trends_spike_hover_robust_z": ("Spike: robust z-score {score} ≥ {threshold} (median of the previous {n} complete "
                                    "periods: {median})",
                                    "异常高峰：稳健 z 分数 {score} ≥ {threshold}（此前 {n} 个完整周期的中位数：{median}）"),
    "trends_spike_hover_poisson": ("Spike: Poisson p = {p} < {threshold} (median of the previous {n} complete "
                                   "periods: {median})",
                                   "异常高峰：泊松 p = {p} < {threshold}（此前 {n} 个完整周期的中位数：{median}）"),
    "trends_spike_rule_robust_z": (
        "Spikes (◆) are periods far above their own recent past: well above the usual level (the median) of the "
        "previous {baseline} complete periods, by more than their ordinary ups and downs. A period is judged only with "
        "at least {min_baseline} complete periods before it; incomplete periods are never flagged. Method: modified "
        "z-score of at least {threshold} (Iglewicz & Hoaglin 1993; spread = median absolute deviation × 1.4826, never "
        "less than the square root of the median, i.e. ordinary counting noise, nor less than 1).",
        "◆ 为异常高峰：该周期的数量远高于此前 {baseline} 个完整周期的一般水平（中位数），超出这些周期平常的起伏。"
        "此前至少有 {min_baseline} 个完整周期才作判断；不完整周期从不标记。方法：修正 z 分数不低于 {threshold}"
        "（Iglewicz & Hoaglin 1993；离散度 = 中位数绝对偏差 × 1.4826，且不小于中位数的平方根（即一般计数波动），也不小于 1）。"),
    "trends_spike_rule_poisson": (
        "Spikes (◆) are periods far above their own recent past: a count this high would happen by chance less than "
        "once in {odds} periods like the previous {baseline} complete ones (at their median). A period is judged only "
        "with at least {min_baseline} complete periods before it; incomplete periods are never flagged. Method: "
        "Poisson upper tail, p < {threshold}.",
        "◆ 为异常高峰：若该周期与此前 {baseline} 个完整周期的一般水平（中位数）相同，出现这么高数量的机会不到 {odds} 分之一。"
        "此前至少有 {min_baseline} 个完整周期才作判断；不完整周期从不标记。方法：泊松上尾检验，p < {threshold}。"),
    "trends_events_note": ("Dashed lines: rule events dated in RULEBOOK.md, with the date's status: V checked against "
                           "the rule's text, S secondary sources only, R unverified. Hover a label for the full title.",
                           "虚线：RULEBOOK.md 所载规则事件，括号内为日期的核实状态：V 已对照原文，S 仅依据二手来源，"
                           "R 未核实。悬停标签可看完整名称。"),
    "trends_incomplete_note": ("A hollow point on a dashed line is an incomplete period: the data starts or ends "
                               "inside it, so it is not comparable with full periods.",
                               "虚线上的空心点为不完整周期：数据在该周期中途开始或结束，不能与完整周期直接比较。"),
    "trends_spikes_title": ("Spikes by conduct and by company", "按行为和公司的异常高峰"),
    "trends_spikes_conduct": ("By conduct", "按行为"),
    "trends_spikes_company": ("By company (the {n} with most complaints in view)", "按公司（当前视图中投诉最多的 {n} 家）"),
    "trends_spikes_none": ("No spike in these series.", "这些序列中没有异常高峰。"),
    "trends_col_period": ("Period", "周期"),
    "trends_col_value": ("Complaints", "投诉数"),
    "trends_col_baseline_median": ("Median of previous periods", "此前周期中位数"),
    "trends_col_score": ("Robust z-score", "稳健 z 分数"),
    "trends_col_p_value": ("Poisson p", "泊松 p 值"),
    "trends_ba_title": ("Before and after a rule event", "规则事件前后对比"),
    "trends_ba_event": ("Event", "事件"),
    "trends_ba_months": ("Months on each side", "每侧月数"),
    "trends_ba_no_events": ("No rule event is dated for the jurisdictions in view.", "当前视图的适用地区没有带日期的规则事件。"),
    "trends_ba_side": ("Side", "区间"),
    "trends_ba_before": ("Before", "之前"),
    "trends_ba_after": ("After", "之后"),
    "trends_ba_before_word": ("before", "之前"),
    "trends_ba_after_word": ("after", "之后"),
    "trends_ba_window": ("Months", "月份"),
    "trends_ba_months_with_data": ("Complete months with data", "有数据的完整月数"),
    "trends_ba_total": ("Total", "合计"),
    "trends_ba_mean": ("Monthly mean", "月均"),
    "trends_ba_sentence": ("{measure}: {before} a month in the {nb} complete months before “{event}” and {after} a month "
                           "in the {na} complete months after; a change of {change} a month ({pct}).",
                           "{measure}：“{event}”之前 {nb} 个完整月份月均 {before}，之后 {na} 个完整月份月均 {after}；"
                           "每月变化 {change}（{pct}）。"),
    "trends_ba_event_month_after": ("The event falls on the first day of {month}, so {month} counts as after.",
                                    "事件在 {month} 的第一天，因此 {month} 计入“之后”。"),
    "trends_ba_event_month_excluded": ("The event falls inside {month}, so {month} is left out of both sides.",
                                       "事件在 {month} 月中，因此 {month} 两侧均不计入。"),
    "trends_ba_short": ("Only {have} of {want} months {side} the event have complete data: compare with care.",
                        "事件{side}只有 {have} / {want} 个月有完整数据，比较时请谨慎。"),
    "trends_ba_no_side": ("No complete month of data {side} the event, so there is no comparison.",
                          "事件{side}没有完整月份的数据，无法比较。"),
    "trends_ba_both_zero": ("Both sides are 0 ({measure}), so this comparison says nothing; widen the filter or "
                            "choose another event.",
                            "事件前后均为 0（{measure}），此比较没有意义；请放宽筛选条件或选择其他事件。"),
    "trends_ba_caveat": ("A change after a rule does not show that the rule caused it: complaint numbers also move "
                         "with data coverage, complaint channels and public attention.",
                         "规则之后的变化并不说明由规则导致：投诉数量也会随数据覆盖、投诉渠道和公众关注而变化。"),
    "trends_describe": ("{measure} per period from {first} to {last} ({n} periods); highest {peak} ({peak_v}); last "
                        "complete period {last_done}: {last_v}. Spikes: {spikes}.",
                        "{measure}按周期统计，{first} 至 {last}（{n} 个周期）；最高 {peak}（{peak_v}）；最后一个完整周期 "
                        "{last_done}：{last_v}。异常高峰：{spikes}。"),
    # export headers of analysis.trends.query_trend_chart's columns (col_<column>, analysis.export.tables)
    "col_period_start": ("Period starting", "周期起始日"),
    "col_period_change": ("Change vs previous period", "较上期变化"),
    "col_period_change_pct": ("Change vs previous period (%)", "较上期变化（%）"),
    "col_is_incomplete": ("Incomplete period", "不完整周期"),
    "col_baseline_median": ("Median of the previous complete periods", "此前完整周期中位数"),
    "col_spike_score": ("Robust z-score", "稳健 z 分数"),
    "col_spike_p_value": ("Poisson p", "泊松 p 值"),
    "col_is_spike": ("Spike", "异常高峰"),
    "col_event_dates": ("Rule events in the period", "周期内的规则事件"),
    "col_trend_measure": ("Measure", "指标"),
    "col_trend_period": ("Period", "周期"),
    # --- places (issue 10) ---
    "page_places": ("Places", "地区分布"),
    "places_title_count": ("Complaints by {place}", "{place}投诉数"),
    "places_title_rate": ("Complaints per million inhabitants by {place}", "{place}每百万人口投诉数"),
    "places_place_us": ("US state", "美国各州"),
    "places_place_cn": ("Chinese province", "中国各省份"),
    "places_unit_count": ("Complaints", "投诉数"),
    "places_unit_rate": ("Complaints per<br>million inhabitants", "每百万人口<br>投诉数"),
    "places_jurisdiction": ("Country", "国家"),
    "places_measure": ("Colour by", "着色指标"),
    "places_measure_complaints": ("Complaints", "投诉数"),
    "places_measure_rate": ("Per million inhabitants", "每百万人口投诉数"),
    "places_col_place": ("Place", "地区"),
    "places_col_complaints": ("Complaints", "投诉数"),
    "places_col_rate": ("Per million inhabitants", "每百万人口"),
    "places_col_share": ("Share", "占比"),
    "places_grey_count": ("Grey: no complaints in this view.", "灰色：当前筛选下无投诉。"),
    "places_grey_rate": ("Rate = complaints in this view per million inhabitants (for the whole period, not per "
                         "year). Grey: no complaints, or no population figure (—).",
                         "比率 = 当前筛选下的投诉数 ÷ 人口 × 100 万（整个时段合计，非年均）。灰色：无投诉，或无人口数据（—）。"),
    "places_pop_us": ("Population: U.S. Census Bureau, 2020 Census resident population, April 1, 2020 (Island "
                      "Areas: 2020 Island Areas Censuses).",
                      "人口：美国人口普查局 2020 年人口普查常住人口（2020 年 4 月 1 日；海岛属地为 2020 年属地普查）。"),
    "places_pop_cn": ("Population: National Bureau of Statistics of China, Seventh National Population Census, "
                      "1 November 2020 (Hong Kong, Macao, Taiwan: the end-2020 figures in the census communiqué).",
                      "人口：国家统计局第七次全国人口普查（2020 年 11 月 1 日零时）；港澳台为普查公报所列 2020 年底数据。"),
    "places_off_map": ("Not on the map: {parts} (listed in the table).", "未在地图上显示：{parts}（见表格）。"),
    "places_off_not_recorded": ("{n} with no region recorded", "未记录地区 {n} 条"),
    "places_off_not_mapped": ("{n} with a region not recognised", "地区无法识别 {n} 条"),
    "places_off_no_tile": ("{n} in places without a tile (e.g. military mail)", "无图块的地区（如美军邮政）{n} 条"),
    "places_off_not_recorded_label": ("(region not recorded)", "（未记录地区）"),
    "places_not_mapped_value": ("Not recognised: “{value}”", "无法识别：“{value}”"),
    "places_unmapped_title": ("Region values not recognised", "无法识别的地区值"),
    "places_unmapped_help": ("These stored values name no known state or province. Their complaints count in the "
                             "totals and shares but are not on the map; add the spelling to the aliases in "
                             "analysis/maps/regions.csv to place them.",
                             "以下原始地区值无法对应到已知的州或省份。其投诉计入合计与占比，但不在地图上显示；"
                             "在 analysis/maps/regions.csv 的别名中加入该写法即可对应。"),
    "places_unmapped_none": ("Every stored region value of this country was recognised.", "该国家的所有地区值均已识别。"),
    "places_no_data_jur": ("No complaints of {jur} match these filters.", "当前筛选下没有{jur}的投诉。"),
    "places_describe_count": ("Most complaints: {top}. Not on the map: {off}.", "投诉最多：{top}。未在地图上显示：{off} 条。"),
    "places_describe_rate": ("Highest complaints per million inhabitants: {top}. Not on the map: {off}.",
                             "每百万人口投诉最多：{top}。未在地图上显示：{off} 条。"),
    "col_region_code": ("Place code", "地区代码"),
    "col_name_en": ("Place (English)", "地区（英文）"),
    "col_name_zh": ("Place (Chinese)", "地区（中文）"),
    "col_region_status": ("Region status", "地区状态"),
    "col_region": ("Region as stored", "原始地区值"),
    "col_population": ("Population", "人口"),
    "col_rate_per_million": ("Complaints per million inhabitants", "每百万人口投诉数"),
    "col_population_source": ("Population source", "人口数据来源"),
    # --- exports (issue 10) ---
    "xa_item": ("About", "说明"),
    "xa_text": ("Text", "内容"),
    "xa_title": ("Title", "标题"),
    "xa_file": ("Data file", "数据文件"),
    "xa_exported": ("Exported", "导出日期"),
    "xa_n": ("Records (n)", "记录数（n）"),
    "xa_notes": ("Notes", "附注"),
    "xa_columns": ("Columns", "列"),
    "xa_how": ("How to read the table", "表格读法"),
    "xa_layout": ("The first row is the header; one row per record. Percentages (columns ending _pct) and days "
                  "(_days) are rounded to one decimal; counts (_count) are whole numbers.",
                  "第一行为表头，每行一条记录。百分比（列名以 _pct 结尾）和天数（_days）保留一位小数；计数（_count）为整数。"),
    "xa_codes": ("Code columns hold stable codes, the same in every language; the column after each holds its label "
                 "in English.",
                 "代码列为固定代码，各语言相同；其后一列为该代码的中文名称。"),
    "xa_marks": ("Small numbers: “{mark}” stands for a count from 1 to {km1}, “{dash}” for a share or average "
                 "computed from such a count (pandas: read_csv(..., na_values=[\"{mark}\", \"{dash}\"])).",
                 "小数抑制：“{mark}”表示 1 至 {km1} 的计数，“{dash}”表示由这类计数算出的占比或平均值"
                 "（pandas：read_csv(..., na_values=[\"{mark}\", \"{dash}\"])）。"),
    "xa_cli_scope": ("Scope: {desc}", "范围：{desc}"),
    "xa_cli_default": ("(the dashboard's default scope; --all-sources / --all-products widen it)",
                       "（与看板默认范围相同；用 --all-sources / --all-products 扩大）"),
    "xa_cli_n": ("Complaints in scope: {n}", "范围内投诉数：{n}"),
    # --- readability (issue 10) ---
    "col_allegation_count": ("Complaints alleging contact outside permitted hours (no clock time)",
                             "指称在禁止时段联系的投诉数（无确切时刻）"),
    "col_allegation_share_pct": ("Share alleging it (%)", "指称占比（%）"),
    "n_label": ("{label} (n={n})", "{label}（n={n}）"),
    "hover_complaints": ("{n} complaints", "{n} 条投诉"),
    "cooccur_hover": ("{a} + {b}: {n} complaints", "{a} + {b}：{n} 条投诉"),
    "cooccur_hover_self": ("{a}: {n} complaints in all", "{a}：共 {n} 条投诉"),
    "cooccur_note": ("Each cell: complaints with both conducts (blank: none). The diagonal is left blank: a conduct's "
                     "own count is in “Complaints by conduct” and in the hover.",
                     "每格为同时有这两种行为的投诉数（空白为 0）。对角线留空：各行为本身的投诉数见“各类不当行为的投诉数”图及悬停提示。"),
    "other_conducts": ("Other conducts ({n})", "其他行为（{n} 种）"),
    "complaints_per_conduct": ("Complaints (counted once per conduct)", "投诉数（每种行为各计一次）"),
    "alleg_month_title": ("Complaints alleging contact outside permitted hours (no clock time), share by month",
                          "称在禁止时段被联系的投诉占比（按月；仅有指称，无具体时刻）"),
    "alleg_company_title": ("Companies with most allegations of contact outside permitted hours (no clock time), "
                            "top {n}", "被指在禁止时段联系最多的公司（仅有指称，无具体时刻；前 {n} 家）"),
    "alleg_hover": ("{a} of {n} complaints allege it", "{n} 条投诉中有 {a} 条如此指称"),
    "alleg_min_base": ("{months} month(s) with fewer than {n} complaints are not drawn.",
                       "有 {months} 个月份的投诉少于 {n} 条，未绘制。"),
    "alleg_share_axis": ("% of complaints in the filter", "占筛选内全部投诉的比例（%）"),
    "alleg_count_axis": ("Complaints with the allegation", "有此指称的投诉数"),
    "alleg_company_note": ("In brackets: share of the company's complaints (n); not given under {n} complaints.",
                           "括号内：占该公司投诉（n）的比例；投诉不足 {n} 条的不计占比。"),
    "alleg_note_first": (
        "Most records here say only that the contact came outside the permitted hours, without a clock time "
        "(CFPB's sub-issue “Called before 8am or after 9pm” or “Contacted before 8am or after 9pm”): {flags} such "
        "allegations, against {exact} incidents with an exact clock time. The two charts below count these "
        "allegations as a share of all complaints in the filter; they are not placed on any hour. The heatmaps "
        "further down show only incidents with an exact clock time.",
        "这里的大多数记录只说明联系发生在禁止时段，没有具体时刻（CFPB 子问题“早 8 点前或晚 9 点后来电/联系”）：共 {flags} "
        "条此类指称，而有精确时刻的事件只有 {exact} 个。下面两张图以筛选内全部投诉为分母计算这类指称的占比，不把它们归入任何小时；"
        "再往下的热力图只包含有精确时刻的事件。"),
    "alleg_note_after": (
        "Besides incidents with a clock time, {flags} records say only that the contact came outside the permitted "
        "hours (e.g. CFPB's sub-issue “Called before 8am or after 9pm”), without a time. The charts below count them "
        "as a share of all complaints in the filter, not on any hour.",
        "除有具体时刻的事件外，另有 {flags} 条记录只说明联系发生在禁止时段（如 CFPB 子问题“早 8 点前或晚 9 点后来电”），"
        "没有具体时刻。下面的图以筛选内全部投诉为分母计算其占比，不把它们归入任何小时。"),
    # Publishers of the built-in sources (meta_sources.publisher is stored in English: the
    # demonstration data, the CFPB importer, each shipped import profile's [source]).
    "publisher:Collection Watch (generated)": ("Collection Watch (generated)", "催收观察（系统生成）"),
    "publisher:Consumer Financial Protection Bureau (US)": ("Consumer Financial Protection Bureau (US)",
                                                            "美国消费者金融保护局（CFPB）"),
    "publisher:Federal Trade Commission (US)": ("Federal Trade Commission (US)", "美国联邦贸易委员会（FTC）"),
    "publisher:12315 platform or consumer association (as exported)": (
        "12315 platform or consumer association (as exported)", "12315 平台或消费者协会（按导出原样）"),
    "publisher:Borrowers (evidence given to the association)": (
        "Borrowers (evidence given to the association)", "借款人（向协会提供的证据）"),
    "publisher:Complaint platform (as exported by the association)": (
        "Complaint platform (as exported by the association)", "投诉平台（由协会导出）"),
    "publisher:The association (own intake)": ("The association (own intake)", "本协会（自行登记）"),
    # Chinese platforms' product names (shown as given; in English with an English name first:
    # analysis.filters.product_label; a demonstration product ends in " (演示)").
    "product:网络贷款": ("Online lending", "网络贷款"),
    "product:现金贷": ("Cash loan", "现金贷"),
    "product:消费金融": ("Consumer finance", "消费金融"),
    "product:分期消费": ("Instalment purchase", "分期消费"),
    "product:信用卡": ("Credit card", "信用卡"),
    # CFPB product names (English, shown as given; in Chinese with a Chinese name first:
    # analysis.figures.product_label). Current and legacy names of CFPB's product list.
    "product:Debt collection": ("Debt collection", "债务催收"),
    "product:Payday loan, title loan, or personal loan": ("Payday loan, title loan, or personal loan",
                                                          "发薪日贷款、车辆抵押贷款或个人贷款"),
    "product:Payday loan, title loan, personal loan, or advance loan": (
        "Payday loan, title loan, personal loan, or advance loan", "发薪日贷款、车辆抵押贷款、个人贷款或预支贷款"),
    "product:Payday loan": ("Payday loan", "发薪日贷款"),
    "product:Consumer Loan": ("Consumer Loan", "消费贷款"),
    "product:Credit reporting, credit repair services, or other personal consumer reports": (
        "Credit reporting, credit repair services, or other personal consumer reports", "征信报告、信用修复或其他个人消费者报告"),
    "product:Credit reporting or other personal consumer reports": (
        "Credit reporting or other personal consumer reports", "征信报告或其他个人消费者报告"),
    "product:Credit reporting": ("Credit reporting", "征信报告"),
    "product:Credit card or prepaid card": ("Credit card or prepaid card", "信用卡或预付卡"),
    "product:Credit card": ("Credit card", "信用卡"),
    "product:Prepaid card": ("Prepaid card", "预付卡"),
    "product:Checking or savings account": ("Checking or savings account", "支票或储蓄账户"),
    "product:Bank account or service": ("Bank account or service", "银行账户或服务"),
    "product:Mortgage": ("Mortgage", "住房抵押贷款"),
    "product:Student loan": ("Student loan", "学生贷款"),
    "product:Vehicle loan or lease": ("Vehicle loan or lease", "汽车贷款或租赁"),
    "product:Money transfer, virtual currency, or money service": (
        "Money transfer, virtual currency, or money service", "转账、虚拟货币或货币服务"),
    "product:Money transfers": ("Money transfers", "转账汇款"),
    "product:Virtual currency": ("Virtual currency", "虚拟货币"),
    "product:Other financial service": ("Other financial service", "其他金融服务"),
    "product:Debt or credit management": ("Debt or credit management", "债务或信用管理"),
}


def stored_value(kind: str, value, lang: str = "en"):
    """A value stored in one language (a built-in source's publisher) as shown in ``lang``:
    the string ``kind:value`` when there is one, else the value as stored (None stays None)."""
    key = f"{kind}:{value}"
    return t(key, lang) if isinstance(value, str) and key in STRINGS else value


def t(key: str, lang: str = "en", **values) -> str:
    """String ``key`` in ``lang`` with ``values`` formatted in. Raises ``KeyError``."""
    en, zh = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
