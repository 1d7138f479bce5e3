"""What a phone needs that Streamlit does not do by itself.

On a narrow screen the sidebar is drawn over the page; after a page was chosen in it, it stayed
open over 70 % of the screen. A page change closes it (the sidebar's own collapse button, pressed by
a two-line script in an ``st.html`` element — nothing fetched, nothing on a desk screen).
"""

from __future__ import annotations

import streamlit as st

#: Streamlit draws the sidebar over the page below this width (its mobile breakpoint).
PHONE_MAX_WIDTH = 767

_CLOSE_SIDEBAR = f"""<script>
(function () {{
  if (!window.matchMedia("(max-width: {PHONE_MAX_WIDTH}px)").matches) return;
  var bar = document.querySelector('[data-testid="stSidebar"]');
  var button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (bar && bar.getAttribute("data-collapsed") === "false" && button) button.click();
}})();
</script>"""


def close_sidebar_after_navigation(page: str) -> None:
    """Close the sidebar on a phone when ``page`` is not the page of the previous run."""
    last = st.session_state.get("phone_last_page")
    st.session_state["phone_last_page"] = page
    if last is not None and last != page:
        # numbered: the same element twice in a row in the same place is not drawn (nor run) again
        n = st.session_state["phone_navigations"] = st.session_state.get("phone_navigations", 0) + 1
        with st.sidebar:
            st.html(_CLOSE_SIDEBAR.replace("(function", f"/* {n} */ (function", 1), unsafe_allow_javascript=True)
