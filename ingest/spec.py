"""What each import file may contain: columns, their Chinese aliases and value vocabularies (CONTRACT.md §2)."""

from __future__ import annotations

from dataclasses import dataclass

from vocabulary.areas import LEVELS, child_level, parent_level  # noqa: F401  (re-exported)

KINDS = ("households", "staff", "visits", "petitions")


#: What a column holds, which decides how its cells are cleaned (ingest/normalize.py) and read:
#: ``code`` a key or a reference to one (NFKC, no control characters, never a rounded number);
#: ``codes`` several codes in one cell; ``phone``; ``int``; ``lon``/``lat``; ``date``;
#: ``choice`` a value of a vocabulary or a short label (NFKC); ``name`` and ``text`` keep their
#: characters (a person's name, an address, a note), only format characters and spaces are trimmed.
VALUE_KINDS = ("code", "codes", "phone", "int", "lon", "lat", "date", "choice", "name", "text")
FOLDED_KINDS = frozenset({"code", "codes", "phone", "int", "lon", "lat", "date", "choice"})


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    Attributes
    ----------
    name : str
        The stored column's name (English, as in CONTRACT.md §2).
    aliases : tuple of str
        Headers that also mean this column (Chinese names used by counties).
    required : bool
        Whether every file of the kind must have it.
    label : str
        The Chinese name used in messages.
    kind : str
        What the value is, one of ``VALUE_KINDS``.
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    label: str = ""  # Chinese name used in messages
    kind: str = "text"  # what the value is: see VALUE_KINDS

    def names(self) -> tuple[str, ...]:
        """The headers that mean this column.

        Returns
        -------
        tuple of str
            The name first, then the aliases.
        """
        return (self.name,) + self.aliases


@dataclass(frozen=True)
class FileSpec:
    """What one kind of import file may contain.

    Attributes
    ----------
    kind : str
        One of ``KINDS``.
    columns : tuple of Column
        Its columns, in the order of the template.
    key : tuple of str
        The columns that identify a row (the stored table's key).
    label : str
        The file's Chinese name in messages (户籍台账 …).
    """

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    label: str = ""

    def column(self, name: str) -> Column:
        """The column called ``name``.

        Parameters
        ----------
        name : str
            A column's stored name (not an alias).

        Returns
        -------
        Column
            That column.

        Raises
        ------
        KeyError
            When the file has no column of that name.
        """
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _spec(kind: str, label: str, key: tuple[str, ...], cols: list[Column]) -> FileSpec:
    return FileSpec(kind=kind, columns=tuple(cols), key=key, label=label)


SPECS: dict[str, FileSpec] = {
    "households": _spec(
        "households",
        "户籍台账",
        ("code",),
        [
            Column("code", ("户编号", "户号", "编号"), True, "户编号", "code"),
            Column("head_name", ("户主", "户主姓名", "姓名"), True, "户主", "name"),
            Column("phone", ("联系电话", "电话", "手机"), False, "联系电话", "phone"),
            Column("address", ("地址", "住址", "家庭住址"), False, "地址", "text"),
            Column("members", ("人口", "人口数", "家庭人口"), False, "人口数", "int"),
            Column("lon", ("经度",), False, "经度", "lon"),
            Column("lat", ("纬度",), False, "纬度", "lat"),
            Column("grid_code", ("网格编码", "所属网格"), False, "网格编码", "code"),
            Column("tags", ("标签", "户类别"), False, "标签", "choice"),
            Column("status", ("状态", "户状态"), False, "状态", "choice"),
        ],
    ),
    "staff": _spec(
        "staff",
        "人员名单",
        ("id",),
        [
            Column("id", ("工号", "人员编号"), True, "工号", "code"),
            Column("name", ("姓名",), True, "姓名", "name"),
            Column("role", ("职务", "角色"), False, "职务", "choice"),
            Column("grid_code", ("网格编码", "负责网格"), False, "负责网格", "codes"),
            Column("phone", ("联系电话", "电话"), False, "联系电话", "phone"),
        ],
    ),
    "visits": _spec(
        "visits",
        "走访记录",
        ("household_code", "staff_id", "visited_on", "kind"),
        [
            Column("household_code", ("户编号", "户号"), True, "户编号", "code"),
            Column("staff_id", ("工号", "走访人工号"), True, "工号", "code"),
            Column("visited_on", ("走访日期", "日期"), True, "走访日期", "date"),
            Column("kind", ("方式", "走访方式"), False, "走访方式", "choice"),
            Column("note", ("记录", "备注", "民情记录"), False, "民情记录", "text"),
        ],
    ),
    "petitions": _spec(
        "petitions",
        "信访台账",
        ("id",),
        [
            Column("id", ("编号", "信访编号"), True, "信访编号", "code"),
            Column("received_on", ("受理日期", "登记日期"), True, "受理日期", "date"),
            Column("household_code", ("户编号",), False, "户编号", "code"),
            Column("lon", ("经度",), False, "经度", "lon"),
            Column("lat", ("纬度",), False, "纬度", "lat"),
            Column("village_code", ("村编码", "所属村"), False, "村编码", "code"),
            Column("category", ("类别", "问题类别"), False, "问题类别", "text"),
            Column("channel", ("来源", "渠道"), False, "来源", "choice"),
            Column("people", ("人数",), False, "人数", "int"),
            Column("status", ("状态",), False, "状态", "choice"),
            Column("replied_on", ("答复日期",), False, "答复日期", "date"),
            Column("closed_on", ("办结日期",), False, "办结日期", "date"),
            Column("satisfaction", ("满意度",), False, "满意度", "choice"),
            Column("level_reached", ("到达层级", "越级层级", "信访层级"), False, "到达层级", "choice"),
            Column("escalated_on", ("越级日期",), False, "越级日期", "date"),
        ],
    ),
}

HOUSEHOLD_STATUS = {
    "在册": "active",
    "迁出": "moved",
    "注销": "closed",
    "active": "active",
    "moved": "moved",
    "closed": "closed",
}
STAFF_ROLE = {
    "网格长": "grid_leader",
    "网格员": "grid_member",
    "书记": "secretary",
    "干部": "cadre",
    "grid_leader": "grid_leader",
    "grid_member": "grid_member",
    "secretary": "secretary",
    "cadre": "cadre",
}
VISIT_KIND = {
    "入户": "home",
    "入户走访": "home",
    "电话": "phone",
    "院坝会": "meeting",
    "接访": "reception",
    "home": "home",
    "phone": "phone",
    "meeting": "meeting",
    "reception": "reception",
}
PETITION_STATUS = {
    "受理": "received",
    "办理中": "in_progress",
    "已答复": "replied",
    "办结": "closed",
    "received": "received",
    "in_progress": "in_progress",
    "replied": "replied",
    "closed": "closed",
}
#: How far a petition went (越级到市/省/京: city, province, national; county: it stayed in the county).
LEVEL_REACHED = {
    "县": "county",
    "区": "county",
    "县级": "county",
    "市": "city",
    "市级": "city",
    "省": "province",
    "省级": "province",
    "京": "national",
    "进京": "national",
    "国家": "national",
    "中央": "national",
    "county": "county",
    "city": "city",
    "province": "province",
    "national": "national",
}
SATISFACTION = {
    "满意": "satisfied",
    "基本满意": "partly",
    "不满意": "unsatisfied",
    "satisfied": "satisfied",
    "partly": "partly",
    "unsatisfied": "unsatisfied",
}

TAG_SEPARATORS = "、，,;；"
GRID_SEPARATORS = "、，,;；"

# Boundary attribute aliases (CONTRACT.md §2), most specific first per level.
BOUNDARY_CODE = {
    "county": ("code", "区划代码", "编码", "代码", "县编码"),
    "township": ("code", "乡镇编码", "区划代码", "编码", "代码"),
    "village": ("code", "村编码", "区划代码", "编码", "代码"),
    "grid": ("code", "网格编码", "编码", "代码", "区划代码"),
}
BOUNDARY_NAME = {
    "county": ("name", "名称", "县名", "区县名称"),
    "township": ("name", "乡镇名称", "名称", "乡镇"),
    "village": ("name", "村名", "村名称", "名称", "村"),
    "grid": ("name", "网格名称", "名称", "网格"),
}
BOUNDARY_PARENT = {
    "county": ("parent_code",),
    "township": ("parent_code", "上级编码", "所属县编码"),
    "village": ("parent_code", "上级编码", "所属乡镇编码", "乡镇编码"),
    "grid": ("parent_code", "上级编码", "所属村编码", "村编码"),
}
