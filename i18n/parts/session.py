"""Strings of sessions and links (ui/session.py): pages a URL asks for that are not there."""

ENTRIES: dict[str, tuple[str, str]] = {
    "app.page_not_found": (
        "没有“{page}”这个页面，请从左侧菜单选择要看的页面。",
        "There is no page “{page}”; choose a page from the menu on the left.",
    ),
    "app.no_permission_page": (
        "您的账号不能打开「{page}」，请从左侧菜单选择要看的页面。",
        "Your account may not open “{page}”; choose a page from the menu on the left.",
    ),
}
