"""Download buttons that give a file every time, however many are clicked in a row.

A Streamlit download button whose file is made on the click (``data`` a callable) is registered
for one script run. When a click also reruns the script (the default, or an ``on_click``
callback), the rerun replaces every button's registration; a second button clicked before the
browser has the new page asks for a file that is gone ("Deferred file … not found" in the server
log, no file in the browser). These buttons never rerun the script (``on_click="ignore"``): the
file is made, and the download written to the audit log, when the browser asks for it.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import streamlit as st

from ui import common as C

log = logging.getLogger("lianxin")


def button(
    label: str,
    make: Callable[[], bytes],
    file_name: str,
    mime: str,
    key: str,
    audit: tuple[str | None, str],
    **kwargs: Any,
) -> None:
    """A download button whose file is made when it is clicked (and only then), and always audited.

    Every download of the app goes through here, so every file that leaves is in the audit log.

    Parameters
    ----------
    label : the button's text.
    make : returns the file's bytes; called in a server thread when the browser asks for the file.
    file_name, mime : what the browser saves.
    key : the widget key.
    audit : ``(area code or None, detail)`` written to the audit log as an ``export`` by the
        signed-in user when the file is made.
    kwargs : passed to ``st.download_button`` (``icon``, ``type``, ``width`` …).
    """
    base = C._base_connection(str(C.db_path()))  # captured now: the click runs outside the script
    user = C.user()

    def data() -> bytes:
        out = make()
        from auth import audit as A

        cur = base.cursor()
        try:
            A.record(cur, user, "export", area=audit[0], detail=audit[1])
        except Exception:  # the file still goes out; the failure is in the server log
            log.exception("audit of a download failed")
        finally:
            cur.close()
        return out

    kwargs.setdefault("icon", ":material/download:")
    st.download_button(label, data=data, file_name=file_name, mime=mime, key=key, on_click="ignore", **kwargs)
