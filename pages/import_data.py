"""Import data (admin, office): choose what, upload, preview the header mapping, dry run, then import.

The work is done by ingest/preview.py (tested without Streamlit); this page draws widgets only.
Uploads are written to a private temporary folder and deleted at the end of each run; zips are
unpacked by the importer's safe extraction. Every upload is read in a separate process with a memory
limit (ingest/isolated.py), so no file can take the server down; rows are checked and written here.
Every import is audited under the signed-in user.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from auth import audit
from i18n import column_labels, fmt_int, fmt_list, worded
from ingest import preview as P
from ingest.boundaries import BoundaryResult
from ingest.errors import ImportFailed
from ingest.isolated import read_file
from ingest.tables import BOUNDARY_ROLES
from ingest.spec import LEVELS
from ui import common as C
from ui import downloads
from ui.common import t

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

KEY = "import_page"
COORDS = ("wgs84", "gcj02", "bd09")

lang = C.lang()
u = C.user()
st.title(t("import_page.title"))
st.caption(t("import_page.intro"))

# ----------------------------------------------------------------------------- options

c1, c2, c3 = st.columns(3)
kinds = P.ALL_KINDS if u.role in BOUNDARY_ROLES else tuple(k for k in P.ALL_KINDS if k != "boundaries")
kind = c1.selectbox(t("import_page.kind"), kinds, format_func=lambda k: t(f"import_page.kind.{k}"), key=f"{KEY}.kind")
level = encoding = None
if kind == "boundaries":
    level = c2.selectbox(
        t("import_page.level"),
        LEVELS,
        index=LEVELS.index("grid"),
        format_func=lambda x: t(f"level.{x}"),
        key=f"{KEY}.level",
    )
    encoding = (
        c3.text_input(t("import_page.encoding"), key=f"{KEY}.encoding", help=t("import_page.encoding_help")).strip()
        or None
    )
coords = (
    c2.selectbox(
        t("import_page.coords"), COORDS, format_func=lambda x: t(f"import_page.coords.{x}"), key=f"{KEY}.coords"
    )
    if kind != "staff" and kind != "visits"
    else "wgs84"
)
strict = st.checkbox(t("import_page.strict"), key=f"{KEY}.strict")

upload = st.file_uploader(
    t("import_page.upload"),
    type=list(P.accepted_suffixes(kind)),
    help=t("import_page.upload_help", mb=P.MAX_UPLOAD_MB),
    key=f"{KEY}.file.{kind}",
)
if upload is None:
    st.info(t("import_page.waiting"))
    st.stop()

if upload.size > P.MAX_UPLOAD_MB * 1024 * 1024:
    st.error(t("import_page.too_large", mb=P.MAX_UPLOAD_MB))
    st.stop()


def _error(e: Exception) -> None:
    said = worded(e, lang)
    st.error(t("import_page.error", message=said.splitlines()[0] if said else type(e).__name__))


def _metrics(counts: dict[str, int]) -> None:
    cols = st.columns(len(counts))
    for col, (k, v) in zip(cols, counts.items()):
        col.metric(t(f"import_page.count.{k}"), fmt_int(v, lang))


def _progress_bar():
    bar = st.progress(0.0, text=t("import_page.progress"))

    def progress(f: float, step: str) -> None:  # step: a catalog key (ingest.step.*)
        bar.progress(min(max(float(f), 0.0), 1.0), text=t(step))

    return bar, progress


data = upload.getvalue()


def _read(path, sheet):
    """The upload read and parsed in a separate process (ingest/isolated.py): a file that would crash
    the reader or exhaust memory takes only that process down. Kept for the reruns of this upload."""
    key = hashlib.sha256(data).hexdigest() + repr((kind, encoding, sheet))
    cached = st.session_state.get(f"{KEY}.read")
    if cached and cached[0] == key:
        return cached[1]
    bar, progress = _progress_bar()
    try:
        got = read_file(kind, path, sheet=sheet, encoding=encoding, progress=progress)
    finally:
        bar.empty()
    st.session_state[f"{KEY}.read"] = (key, got)
    return got


try:
    with P.private_copy(upload.name, data, kind) as path:
        read = _read(path, None)
        sheet = None
        if len(read.sheets) > 1:
            chosen = read.table.sheet if read.table is not None and read.table.sheet in read.sheets else read.sheets[0]
            sheet = st.selectbox(
                t("import_page.sheet"),
                read.sheets,
                index=read.sheets.index(chosen),
                key=f"{KEY}.sheet.{hashlib.sha256(data).hexdigest()[:12]}",
            )
            if sheet != chosen:
                read = _read(path, sheet)
        # what the dry run was for: the same bytes and the same options
        signature = hashlib.sha256(data).hexdigest() + repr((kind, level, encoding, coords, sheet, strict))

        # ------------------------------------------------------------------- preview
        st.subheader(t("import_page.preview"))
        pv = (
            P.preview_boundaries(path, level, encoding, read=read)
            if kind == "boundaries"
            else P.preview_table(path, kind, table=read.table)
        )
        facts = []
        if kind == "boundaries":
            facts.append(t("import_page.crs_used", crs=pv.crs or t("import_page.no_crs")))
            facts.append(t("import_page.encoding_used", encoding=pv.encoding))
            facts.append(t("import_page.features", n=fmt_int(pv.total_rows, lang)))
        else:
            facts.append(t("import_page.header_found", row=pv.header_row, n=fmt_int(pv.total_rows, lang)))
            if pv.sheet:
                facts.append(t("import_page.sheet_used", sheet=pv.sheet))
            if pv.encoding and pv.encoding not in ("xlsx", "xls"):  # a workbook has no text encoding to tell
                facts.append(t("import_page.encoding_used", encoding=pv.encoding))
        st.caption(" · ".join(facts))
        if read.encoding_note:
            st.info(worded(read.encoding_note, lang))
        left, right = st.columns([1, 3])
        with left:
            st.markdown(f"**{t('import_page.mapping')}**")
            # the fields as every table heads them (户主, not head_name)
            fields = column_labels([name for _, name in pv.mapping], lang)
            st.dataframe(
                pd.DataFrame(
                    [(col, fields[name]) for col, name in pv.mapping],
                    columns=[t("import_page.mapping.file"), t("import_page.mapping.field")],
                ),
                hide_index=True,
                width="stretch",
            )
        with right:  # the file's own headers as they are; the row number as the rejected rows head it
            st.dataframe(pv.rows.rename(columns={"row": t("import_page.col.row")}), hide_index=True, width="stretch")
        if pv.ignored:
            st.caption(t("import_page.ignored", cols=fmt_list(pv.ignored, lang)))
        if pv.missing_required:
            st.warning(t("import_page.missing_required", cols=fmt_list(pv.missing_required, lang)))

        # ------------------------------------------------------------------- dry run
        if st.button(t("import_page.dry_run"), key=f"{KEY}.dry_run"):
            bar, progress = _progress_bar()
            res = P.run_import(
                C.con(),
                kind,
                path,
                level=level or "grid",
                coords=coords,
                encoding=encoding,
                sheet=sheet,
                strict=strict,
                dry_run=True,
                actor=u,
                progress=progress,
                read=read,
            )
            bar.empty()
            st.session_state[f"{KEY}.dry"] = {
                "signature": signature,
                "counts": P.counts(res),
                "errors": P.errors_frame(res.errors, lang),
                "errors_csv": P.errors_csv_bytes(res.errors) if res.errors else b"",
                "notes": [worded(n, lang) for n in res.notes()] if isinstance(res, BoundaryResult) else [],
                "unassigned": getattr(res, "unassigned_codes", []),
                "writes": P.has_writes(res),
                "bad": bool(res.errors),
            }

        dry = st.session_state.get(f"{KEY}.dry")
        if dry and dry["signature"] == signature:
            st.subheader(t("import_page.dry_run_done"))
            _metrics(dry["counts"])
            if dry["notes"]:
                st.markdown(f"**{t('import_page.notes')}**")
                st.text("\n".join(dry["notes"]))
            if dry["unassigned"]:
                st.caption(t("import_page.unassigned_list", codes=fmt_list(dry["unassigned"][:50], lang)))
            if len(dry["errors"]):
                st.markdown(f"**{t('import_page.rejected_rows')}**")
                shown = dry["errors"].rename(columns={c: t(f"import_page.col.{c}") for c in dry["errors"].columns})
                st.dataframe(shown, hide_index=True, width="stretch")
                errors_csv = dry["errors_csv"]
                downloads.button(
                    t("import_page.download_errors"),
                    lambda: errors_csv,
                    file_name=f"{P.safe_name(upload.name)}.errors.csv",
                    mime="text/csv",
                    key=f"{KEY}.download",
                    icon=None,
                    audit=(None, audit.detail_line("import_errors_export", file=P.safe_name(upload.name))),
                )
            if strict and dry["bad"]:
                st.warning(t("import_page.strict_blocked"))
            elif not dry["writes"]:
                st.info(t("import_page.nothing_to_write"))
            elif st.button(t("import_page.commit"), type="primary", key=f"{KEY}.commit"):
                bar, progress = _progress_bar()
                res = P.run_import(
                    C.con(),
                    kind,
                    path,
                    level=level or "grid",
                    coords=coords,
                    encoding=encoding,
                    sheet=sheet,
                    strict=strict,
                    dry_run=False,
                    actor=u,
                    progress=progress,
                    read=read,
                )
                st.session_state.pop(f"{KEY}.read", None)
                bar.empty()
                st.session_state.pop(f"{KEY}.dry", None)
                st.cache_data.clear()  # maps and tables read the new data
                st.success(t("import_page.committed", summary=res.summary()))
except ImportFailed as e:
    _error(e)
