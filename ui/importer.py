"""Logic of the Import page (no Streamlit here): the format suggestion, the editable column
mapping and its checks, and the reports in the page language. Reading, validating and writing
are ``analysis.ingest``'s (``preview_file``, ``validate_file``, ``run_import``)."""
from __future__ import annotations

import pandas as pd

from analysis.i18n import t
from analysis.ingest import ImportRefused, ImportReport, Preview, Validation, known_formats, preview_file
from analysis.ingest.profiles import FIELDS, load_profile, propose_mapping
from analysis.ingest.reasons import reason_text
from ui.tables import import_status_text
from ui.text import plain

#: Choices of the mapping select boxes: "not used" (None) and every field.
FIELD_CHOICES: list[str | None] = [None] + list(FIELDS)


def field_label(f: str | None, lang: str) -> str:
    """How a field is offered in a select box, e.g. "催收时间 · occurred_at"."""
    if f is None:
        return t("imp_not_used", lang)
    _level, en, zh, _aliases = FIELDS[f]
    return f"{zh if lang == 'zh' else en} · {f}"


def format_label(fmt: str, lang: str) -> str:
    """A format in words: the profile's label, or the CFPB export."""
    if fmt == "cfpb":
        return t("imp_fmt_cfpb", lang)
    try:
        p = load_profile(fmt)
    except ValueError:
        return fmt
    return f"{p.label_zh if lang == 'zh' else p.label_en} ({fmt})"


def matching_formats(preview: Preview) -> list[tuple[str, int]]:
    """Profiles that fit the file's header: ``[(name, columns recognised)]``, best first
    (``preview.matching_profiles``: the importer's own rule for required fields,
    ``profiles.missing_required``)."""
    return list(preview.matching_profiles)


def suggest_format(preview: Preview) -> str | None:
    """The profile that fits the file best (most columns recognised), if any."""
    found = matching_formats(preview)
    return found[0][0] if found else None


#: The format offered first when no profile recognises a file that is not a CFPB export: the
#: association's own intake log, whose columns can be mapped on the page (the CFPB format
#: has no mapping to edit).
FALLBACK_FORMAT = "intake"


def default_format(preview: Preview) -> str:
    """The format the Import page starts with: ``suggest_format``'s; else ``cfpb`` when the
    header is a CFPB export's (``cfpb.check_header`` accepts it); else ``FALLBACK_FORMAT``."""
    from analysis.ingest.cfpb import check_header
    suggested = suggest_format(preview)
    if suggested:
        return suggested
    try:
        check_header(preview.header, "")
        return "cfpb"
    except ImportRefused:
        return FALLBACK_FORMAT


def initial_mapping(data: bytes, name: str, fmt: str, sheet: str | None = None) -> tuple[Preview, dict]:
    """Preview with ``fmt`` and the mapping to start from: the profile's own when it gives its
    required fields, else one guessed from the headers (``propose_mapping``)."""
    pv = preview_file(data, name, profile=fmt if fmt != "cfpb" else None, sheet=sheet)
    mapping = dict(pv.proposed_mapping)
    if fmt != "cfpb" and mapping_problems(mapping, fmt, "en"):
        guessed = propose_mapping(pv.header)
        if len(mapping_problems(guessed, fmt, "en")) < len(mapping_problems(mapping, fmt, "en")):
            mapping = guessed
    return pv, mapping


def mapping_problems(mapping: dict[str, str | None], fmt: str, lang: str) -> list[str]:
    """What is wrong with a mapping ``{header: field or None}`` for profile ``fmt``, in words:
    a field given by two columns, a required field given by none."""
    out = []
    used = [f for f in mapping.values() if f]
    for f in sorted({f for f in used if used.count(f) > 1}):
        cols = "、".join(h for h, g in mapping.items() if g == f) if lang == "zh" else \
            ", ".join(h for h, g in mapping.items() if g == f)
        out.append(t("imp_map_twice", lang, field=field_label(f, lang), cols=cols))
    from analysis.ingest.profiles import missing_required
    for f in missing_required(load_profile(fmt), used):
        out.append(t("imp_map_missing", lang, field=field_label(f, lang)))
    return out


def mapping_table(preview: Preview, mapping: dict[str, str | None], lang: str) -> pd.DataFrame:
    """Header, first value seen and mapped field, for the record of a mapping."""
    first = preview.rows.iloc[0] if len(preview.rows) else None
    return pd.DataFrame({
        t("imp_col_header", lang): preview.header,
        t("imp_col_example", lang): ["" if first is None else str(first.iloc[i]) for i in range(len(preview.header))],
        t("imp_col_field", lang): [field_label(mapping.get(h), lang) for h in preview.header],
    })


def validation_counts(v: Validation) -> dict[str, int]:
    """``rows``, ``accepted``, ``quarantined``, ``qa`` counts of a validation."""
    return {"rows": int(v.row_count), "accepted": int(v.accepted_count), "quarantined": int(len(v.quarantined)),
            "qa": int(len(v.qa_issues))}


def note_lines(notes: list[str], lang: str, file_name: str | None = None) -> list[str]:
    """An import's notes (``ImportReport.notes``, ``Validation.notes``: English as stored) for
    ``st.caption``: each in ``lang`` (``analysis.ingest.reasons.reason_text``), after
    ``file_name`` when given, and made plain (``ui.text.plain``: file names, column names and
    values show as written, never as Markdown; a note that starts with the file name already
    is not prefixed again). Returns one string per note."""
    sep = "：" if lang == "zh" else ": "
    out = []
    for n in notes:
        text = reason_text(n, lang)
        out.append(plain(f"{file_name}{sep}{text}" if file_name and not n.startswith(file_name) else text))
    return out


def report_frame(reports: list[ImportReport], lang: str) -> pd.DataFrame:
    """Per-file summary of an import, headers in ``lang``."""
    return pd.DataFrame([{
        t("imp_col_file", lang): r.source_file, t("imp_col_status", lang): import_status_text(r.status, lang),
        t("imp_col_rows", lang): r.row_count, t("imp_col_accepted", lang): r.accepted_count,
        t("imp_col_quarantined", lang): r.quarantined_count, t("imp_col_unchanged", lang): r.unchanged_count,
        t("imp_col_updated", lang): r.updated_count, t("imp_col_qa", lang): r.qa_issue_count,
        t("imp_col_encoding", lang): r.encoding, t("imp_col_import_id", lang): r.import_id,
    } for r in reports])


def formats() -> list[str]:
    """Every format the importer knows (cfpb and the profiles, shipped and saved)."""
    return known_formats()


def base_of(fmt: str) -> str:
    """The shipped profile a new saved profile should build on when the user started from
    ``fmt`` (a saved profile's own base, else ``fmt`` itself)."""
    import tomllib
    prof = load_profile(fmt)
    if prof.path is not None:
        base = tomllib.loads(prof.path.read_text(encoding="utf-8")).get("base")
        if base:
            return base
    return fmt
