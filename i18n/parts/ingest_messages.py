"""What the import says about a file or a row (ingest/): errors a person can fix, and notes.

Worded through :class:`i18n.Message`: the command line prints ``中文 / English`` (the CONTRACT's
``FILE row N column C: …`` lines and the errors CSV), a page the sentence in its own language.
A key ending in ``.cli`` is the command line's wording of the same sentence (it names a flag).
"""

ENTRIES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ terms used inside sentences
    "message.empty": ("（空）", "(empty)"),
    "message.none": ("无", "none"),
    "ingest.what.code": ("编码", "code"),
    "ingest.what.grid": ("网格", "grid"),
    "ingest.what.household_code": ("户编号", "household code"),
    "ingest.what.staff_id": ("工号", "staff ID"),
    "ingest.what.village_code": ("村编码", "village code"),
    "ingest.what.household_status": ("户状态", "household status"),
    "ingest.what.role": ("职务", "role"),
    "ingest.what.kind": ("走访方式", "visit kind"),
    "ingest.what.status": ("状态", "status"),
    "ingest.what.satisfaction": ("满意度", "satisfaction"),
    "ingest.what.level_reached": ("到达层级", "level reached"),
    "ingest.what.date": ("日期", "date"),
    "ingest.what.visited_on": ("走访日期", "visit date"),
    "ingest.what.received_on": ("受理日期", "date received"),
    "ingest.what.replied_on": ("答复日期", "reply date"),
    "ingest.what.closed_on": ("办结日期", "closing date"),
    "ingest.what.no_suffix": ("（无扩展名）", "(no extension)"),
    # ------------------------------------------------------------------ who may import what
    "ingest.error.kind": ("未知的导入类型 {kind}", "unknown import kind {kind}"),
    "ingest.error.level": ("未知层级 {level}", "unknown level {level}"),
    "ingest.error.boundaries_role": (
        "只有县级管理员可以导入边界，用户 {name}（{role}）不能",
        "only an administrator may import boundaries; {name} is {role}",
    ),
    "ingest.error.import_role": ("用户 {name}（{role}）没有导入数据的权限", "{name} ({role}) may not import data"),
    "ingest.error.outside": (
        "不在用户 {actor} 的负责范围内（{areas}），不能导入",
        "outside {actor}'s areas ({areas}): not imported",
    ),
    # ------------------------------------------------------------------ a boundary file's coordinates (crs_check)
    "ingest.crs.not_numbers": ("坐标中有非数字（NaN/无穷大），文件已损坏", "the coordinates are not all numbers"),
    "ingest.crs.metres_as_degrees": (
        "坐标是以米为单位的投影坐标（如 {x:,.0f}, {y:,.0f}），.prj 却是经纬度坐标系 {name}；{hint}",
        "the coordinates are metres ({x:,.0f}, {y:,.0f}) but the .prj is geographic (degrees, {name}): {hint}",
    ),
    "ingest.crs.axes_swapped": (
        "坐标的 X 与 Y 似乎对调了（X 为 {x:,.0f}，像北坐标/纬度；Y 为 {y:,.0f}，像东坐标/经度，.prj 为 {name}）："
        "测量习惯 X 指北，GIS 文件的 X 应为东坐标（经度），请交换 X、Y 后再导入",
        "X and Y seem swapped (X {x:,.0f} looks like a northing or latitude, Y {y:,.0f} like an easting or "
        "longitude, .prj {name}): surveyors write X for north, a GIS file wants X east (longitude) — swap them "
        "and import again",
    ),
    "ingest.crs.hint_zone": ("东坐标带有带号 {zone}，应为 {epsg}", "the eastings carry zone number {zone}: use {epsg}"),
    "ingest.crs.hint_gauss_kruger": (
        "应为高斯-克吕格投影（如 EPSG:4534–4554 中中央经线与该县相符的一个）",
        "use the Gauss-Krüger CRS of the right central meridian (EPSG:4534–4554)",
    ),
    "ingest.crs.zone_unexpected": (
        "东坐标带有带号 {zone}（如 {x:,.0f}），.prj 却是不带带号的中央经线 {cm} 坐标系（{name}）{fits}",
        "eastings carry zone number {zone} ({x:,.0f}) but the .prj is CM {cm} without a zone number ({name}){fits}",
    ),
    "ingest.crs.fits_zone": ("，应为带号 {zone} 的坐标系 {epsg}", ": use the zone-{zone} CRS {epsg}"),
    "ingest.crs.zone_missing": (
        "东坐标不带带号（如 {x:,.0f}），.prj 却是带号 {zone} 的坐标系（{name}，东坐标应为 "
        "{zone}xxxxxx）；应为不带带号的 {epsg}",
        "eastings carry no zone number ({x:,.0f}) but the .prj is zone {zone} ({name}, "
        "eastings {zone} xxx xxx): use {epsg}",
    ),
    "ingest.crs.zone_mismatch": (
        "东坐标的带号是 {zone}，.prj 却是第 {prj_zone} 带（{name}）{fits}",
        "eastings carry zone number {zone} but the .prj is zone {prj_zone} ({name}){fits}",
    ),
    "ingest.crs.fits": ("，应为 {epsg}", ": use {epsg}"),
    "ingest.crs.impossible": (
        "按 .prj（{name}）换算后坐标不存在（超出经纬度范围）：.prj 与坐标不符",
        "after converting from {name} the coordinates are impossible: the .prj does not match them",
    ),
    "ingest.crs.where_stored": ("已导入的{level}", "the {level} areas already stored"),
    "ingest.crs.where_china": ("中国境内", "China"),
    "ingest.crs.level.county": ("县级边界", "county"),
    "ingest.crs.level.township": ("乡镇边界", "township"),
    "ingest.crs.level.village": ("村边界", "village"),
    "ingest.crs.level.grid": ("网格边界", "grid"),
    "ingest.crs.wrong_meridian": (
        "坐标按中央经线 {fit}°E 才落在{where}，.prj 却是中央经线 {cm}°E（{name}）；应为 {epsg}",
        "the coordinates fit central meridian {fit}°E but the .prj is CM {cm}°E ({name}): "
        "use {epsg} (to lie in {where})",
    ),
    "ingest.crs.far": (
        "按 .prj（{name}）换算后边界位于 {lon:.2f}°E {lat:.2f}°N，距{where}约 {km:,.0f} 公里："
        ".prj 可能不属于这个文件（或坐标类型选错）",
        "after converting from {name} the boundaries lie at {lon:.2f}E {lat:.2f}N, about {km:,.0f} km "
        "from {where}: the .prj probably does not belong to this file (or the coordinates chosen are "
        "wrong)",
    ),
    "ingest.crs.far.cli": (
        "按 .prj（{name}）换算后边界位于 {lon:.2f}°E {lat:.2f}°N，距{where}约 {km:,.0f} 公里："
        ".prj 可能不属于这个文件（或 --coords 选错）",
        "after converting from {name} the boundaries lie at {lon:.2f}E {lat:.2f}N, about {km:,.0f} "
        "km from {where}: the .prj probably does not belong to this file (or --coords is wrong)",
    ),
    # ------------------------------------------------------------------ one boundary feature
    "ingest.error.code_missing": ("编码为空", "code missing"),
    "ingest.error.name_missing": ("名称为空", "name missing"),
    "ingest.error.feature_repeats": ("编码与第 {first} 个要素重复", "the code repeats feature {first}"),
    "ingest.error.impossible_coordinates": (
        "换算到经纬度后坐标不存在（超出范围），请检查 .prj",
        "impossible coordinates after the CRS conversion: check the .prj",
    ),
    "ingest.error.no_polygon": ("没有有效的面状几何", "no polygon geometry"),
    "ingest.error.code_other_level": ("编码已被{level}级区域使用", "code already used at level {level}"),
    # ------------------------------------------------------------------ one cell
    "ingest.error.key_controls": (
        "{what}中含有控制字符 {chars}，请删除后再导入",
        "the {what} contains control characters {chars}: delete them",
    ),
    "ingest.error.text_controls": (
        "{label}中含有控制字符 {chars}，请删除",
        "control characters {chars} in the {label}",
    ),
    "ingest.error.code_decimal": (
        "{label} {value} 是小数，不能作为{label}",
        "a {label} cannot be a decimal number ({value})",
    ),
    "ingest.error.code_digits": (
        "{label} {value} 有 {digits} 位，Excel 的数字单元格只保留 15 位有效数字，"
        "后几位可能已变；"
        "请把该列设置为「文本」格式后重新输入",
        "a {label} of {digits} digits ({value}) in a number cell cannot be trusted (Excel "
        "keeps 15 significant digits): format the column as text and type it again",
    ),
    "ingest.error.scientific": (
        "{label}「{value}」是科学计数法显示的数字，不是{label}："
        "请在 Excel 中把该列设置为「文本」格式、"
        "重新输入后再保存",
        "{value} is a number in scientific notation, not a {label}: format the column as "
        "text in Excel and type the values again",
    ),
    "ingest.error.not_a_date": ("{value} 不是日期", "{value} is not a date"),
    "ingest.error.excel_serial": (
        "{value} 不是 Excel 日期序号（1–{last}）",
        "{value} is not an Excel date serial number (1–{last})",
    ),
    "ingest.error.no_such_date": ("日期 {value} 不存在", "no such date: {value}"),
    "ingest.error.date_format": (
        "无法识别的日期 {value}（应为 2026-11-03、2026/11/3 或 2026年11月3日）",
        "unrecognised date {value} (write 2026-11-03, 2026/11/3 or 2026年11月3日)",
    ),
    "ingest.error.date_future": (
        "{label} {date} 晚于今天（{today}），请检查年份",
        "{label} {date} is after today ({today}): check the year",
    ),
    "ingest.error.date_early": (
        "{label} {date} 早于 {earliest}（规则 earliest_record_year），请检查年份",
        "{label} {date} is before {earliest}, the earliest date accepted (rule earliest_record_year): check the year",
    ),
    "ingest.error.not_whole": ("{value} 不是整数", "{value} is not a whole number"),
    "ingest.error.at_least": ("{value} 应不小于 {minimum}", "{value} must be at least {minimum}"),
    "ingest.error.at_most": (
        "{value} 超出合理范围（应在 {minimum}–{maximum} 之间）",
        "{value} is out of range ({minimum}–{maximum})",
    ),
    "ingest.error.not_a_number": ("{value} 不是数字", "{value} is not a number"),
    "ingest.error.lon_range": ("经度 {value} 超出范围（-180 到 180）", "longitude {value} out of range (-180 to 180)"),
    "ingest.error.lat_range": ("纬度 {value} 超出范围（-90 到 90）", "latitude {value} out of range (-90 to 90)"),
    "ingest.error.phone": (
        "电话 {value} 既不是11位手机号也不是固定电话",
        "phone {value} is neither a mobile nor a landline number",
    ),
    "ingest.error.choice": (
        "{what}「{value}」无法识别（可用：{allowed}）",
        "unknown {what} {value!r} (accepted: {allowed})",
    ),
    # ------------------------------------------------------------------ one row of a table
    "ingest.row_line": (
        "{source} 第 {row} 行「{column}」列：{message}",
        "{source} row {row} column {column}: {message}",
    ),
    "ingest.error.no_column": ("缺少必填列「{label}」", "the file has no required column {label}"),
    "ingest.error.required": ("{label}为必填项，不能为空", "{label}: a required value is missing"),
    "ingest.error.repeats_row": (
        "与第 {first} 行重复（{same}相同），保留第一次出现的行",
        "repeats row {first} (the same {same}): the first one is kept",
    ),
    "ingest.error.unknown_code": ("{what} {code} 不存在，请先导入", "unknown {what} {code}: import it first"),
    "ingest.error.unknown_grids": (
        "网格 {codes} 不存在，请先导入网格边界",
        "unknown grid {codes}: import the grid boundaries first",
    ),
    "ingest.error.lon_lat_pair": ("经度和纬度要同时填写", "give both longitude and latitude"),
    "ingest.error.no_location": (
        "没有经纬度也没有网格编码，无法确定所属网格",
        "give lon/lat or a grid code: without either the grid is unknown",
    ),
    "ingest.error.before_received": ("{date} 早于受理日期 {received}", "{date} is before the date received {received}"),
    "ingest.error.escalation_level": (
        "有越级日期时，到达层级应为市、省或京",
        "an escalation date needs the level reached: city, province or national",
    ),
    # ---------------------------------------------------------- the steps of an import (the page's progress bar)
    "ingest.step.read": ("读取文件", "Reading the file"),
    "ingest.step.read_done": ("读取完成", "File read"),
    "ingest.step.read_boundaries": ("读取边界文件", "Reading the boundary file"),
    "ingest.step.check": ("校验数据", "Checking the rows"),
    "ingest.step.locate": ("坐标转换和网格分配", "Converting coordinates and finding each grid"),
    "ingest.step.areas": ("计算面积和上级区域", "Computing areas and parents"),
    "ingest.step.write": ("写入数据库", "Writing to the database"),
    "ingest.step.neighbors": ("计算相邻关系", "Finding neighbours"),
    "ingest.step.reassign": ("重新分配住户到网格", "Reassigning households to grids"),
    "ingest.step.overlaps": ("检查重叠和空隙", "Checking overlaps and gaps"),
    "ingest.step.done": ("完成", "Done"),
    # ------------------------------------------------------------------ notes on a boundary import
    "ingest.note.repaired": ("修复了 {n} 个无效多边形：{codes}", "repaired {n} invalid polygons: {codes}"),
    "ingest.note.parents_derived": ("{n} 个区域的上级按空间位置确定", "{n} areas' parents derived spatially"),
    "ingest.note.overlap": ("重叠：{a} 与 {b} 重叠 {m2:,.0f} m²", "overlap: {a} and {b} overlap by {m2:,.0f} m²"),
    "ingest.note.more_overlaps": ("…另有 {n} 处重叠", "…{n} more overlaps"),
    "ingest.note.gap": (
        "空隙：{parent} 内有 {m2:,.0f} m² 未被下级区域覆盖",
        "gap: {m2:,.0f} m² of {parent} is not covered by the areas below it",
    ),
    "ingest.note.orphans": ("{n} 个区域找不到上级：{codes}", "{n} areas have no parent found: {codes}"),
    "ingest.note.names_full": (
        "{n} 个名称占满了 .dbf 名称字段的全部 {width} 个字节，可能被截断：{codes}；请核对这些名称"
        "（在 GIS 软件中加宽字段，或改用 GeoPackage / GeoJSON 导出）",
        "{n} names fill all {width} bytes of the .dbf's name field and may be cut short: {codes}; check them "
        "(widen the field in the GIS software, or export as GeoPackage / GeoJSON)",
    ),
    "ingest.note.cpg": (
        ".cpg 声明 {declared}，但属性表实为 {found}，已按 {found} 读取",
        "the .cpg says {declared} but the text is {found}: read as {found}",
    ),
    # ------------------------------------------------------------------ the file as a whole
    "ingest.error.empty_file": ("文件是空的", "the file is empty"),
    "ingest.error.upload_size": ("文件超过 {mb} MB，请拆分后再导入", "the file is larger than {mb} MB: split it"),
    "ingest.error.upload_type": (
        "不支持的文件类型 {suffix}（可用：{allowed}）",
        "unsupported file type {suffix} (accepted: {allowed})",
    ),
    "ingest.error.no_file": ("文件不存在", "file not found"),
    "ingest.error.not_a_file": ("不是文件", "not a file"),
    "ingest.error.unreadable": ("无法读取文件（{error}）", "cannot read the file ({error})"),
    "ingest.error.undecodable": (
        "无法识别文件编码（应为 UTF-8、GBK 或 UTF-16，即 Excel 的「Unicode 文本」）",
        "cannot decode the file (expected UTF-8, GBK or UTF-16, as Excel's Unicode text has)",
    ),
    "ingest.error.too_many_cells": (
        "超过 {cells:,} 个单元格，请拆分成几个文件",
        "more than {cells:,} cells: split the file",
    ),
    "ingest.error.csv_record": (
        "无法读取（{error}）；单元格最长 {chars:,} 个字符，引号要成对",
        "cannot read the CSV record ({error}); a cell holds at most {chars:,} characters and quotes come in pairs",
    ),
    "ingest.error.excel": ("无法读取 Excel 文件（{error}）", "not a readable Excel file ({error})"),
    "ingest.error.no_sheet": (
        "没有名为「{sheet}」的工作表（有：{sheets}）",
        "no sheet {sheet!r} (there are: {sheets})",
    ),
    "ingest.error.sheet": ("无法读取工作表「{sheet}」（{error}）", "cannot read the sheet {sheet!r} ({error})"),
    "ingest.error.table_type": (
        "不支持的文件类型 {suffix}（可用：{allowed}；其他格式如 .ods 请在 Excel 或 WPS 中另存为 .xlsx）",
        "unsupported file type {suffix} (accepted: {allowed}; save other kinds, such as .ods, as .xlsx)",
    ),
    "ingest.error.bad_zip": ("不是有效的 zip 文件", "not a valid zip file"),
    "ingest.error.zip_files": ("zip 中文件过多（{n} 个）", "too many files in the zip ({n})"),
    "ingest.error.zip_path": ("zip 中含有不安全的路径 {name}", "unsafe path in the zip: {name}"),
    "ingest.error.zip_empty": (
        "zip 中没有 .shp/.gpkg/.geojson 文件",
        "no boundary file (.shp/.gpkg/.geojson) in the zip",
    ),
    "ingest.error.boundary_type": (
        "不支持的边界文件类型 {suffix}（GeoJSON、Shapefile、zip、GeoPackage）",
        "unsupported boundary file type {suffix} (GeoJSON, Shapefile, zip, GeoPackage)",
    ),
    "ingest.error.boundary_unreadable": ("无法读取边界文件（{error}）", "cannot read the boundary file ({error})"),
    "ingest.error.encoding_unknown": (
        "未知编码 {encoding}（可用 GBK、GB18030、UTF-8）",
        "unknown encoding {encoding} (GBK, GB18030 or UTF-8)",
    ),
    "ingest.error.encoding_lookup": ("未知编码 {encoding}", "unknown encoding {encoding}"),
    "ingest.error.encoding_wrong": (
        "属性表不是 {encoding} 编码，请在「属性表编码」中填写 {other}",
        "the attribute text is not {encoding}: enter {other} as the attribute encoding",
    ),
    "ingest.error.encoding_wrong.cli": (
        "属性表不是 {encoding} 编码，请试 --encoding {other}",
        "the attribute text is not {encoding}: try --encoding {other}",
    ),
    "ingest.error.encoding_none": (
        "属性表既不是 UTF-8 也不是 GBK 编码，请在「属性表编码」中指定编码",
        "the attribute text is neither UTF-8 nor GBK: enter the attribute encoding",
    ),
    "ingest.error.encoding_none.cli": (
        "属性表既不是 UTF-8 也不是 GBK 编码，请用 --encoding 指定编码",
        "the attribute text is neither UTF-8 nor GBK: give --encoding",
    ),
    "ingest.error.encoding_none_cpg": (
        "属性表既不是 UTF-8 也不是 GBK 编码（.cpg 写的是 {declared}），请在「属性表编码」中指定编码",
        "the attribute text is neither UTF-8 nor GBK (the .cpg says {declared}): enter the attribute encoding",
    ),
    "ingest.error.encoding_none_cpg.cli": (
        "属性表既不是 UTF-8 也不是 GBK 编码（.cpg 写的是 {declared}），请用 --encoding 指定编码",
        "the attribute text is neither UTF-8 nor GBK (the .cpg says {declared}): give --encoding",
    ),
    "ingest.error.level_of": ("未知层级 {level}（{levels}）", "unknown level {level} ({levels})"),
    "ingest.error.no_code_field": (
        "找不到编码字段（{wanted}），现有字段：{fields}",
        "no code attribute ({wanted}); the attributes are: {fields}",
    ),
    "ingest.error.no_name_field": ("找不到名称字段（{wanted}）", "no name attribute ({wanted})"),
    "ingest.error.no_crs": (
        "文件没有坐标系定义（.prj），坐标也不是经纬度，请补上 .prj 文件{hint}",
        "no CRS (.prj) in the file and the coordinates are not lon/lat: add the .prj file{hint}",
    ),
    "ingest.crs.no_prj_zone": (
        "（东坐标带有带号 {zone}，如 {x:,.0f}：多半是 {epsg}）",
        " (the eastings carry zone number {zone}, e.g. {x:,.0f}: most likely {epsg})",
    ),
    "ingest.crs.no_prj_gauss_kruger": (
        "（坐标像不带带号的高斯-克吕格坐标，如 {x:,.0f}, {y:,.0f}："
        ".prj 须写明与该县相符的中央经线，EPSG:4534–4554 之一）",
        " (they look like Gauss-Krüger metres without a zone number, e.g. {x:,.0f}, {y:,.0f}: the .prj must name "
        "the county's central meridian, one of EPSG:4534–4554)",
    ),
    "ingest.error.crs_transform": ("无法从坐标系 {crs} 转换到 WGS-84", "cannot transform the CRS {crs} to WGS-84"),
    "ingest.error.read_time": (
        "读取超过 {seconds} 秒仍未完成，已停止；请拆分文件后再导入",
        "reading took longer than {seconds} s and was stopped: split the file",
    ),
    "ingest.error.read_memory_or_crash": (
        "读取这个文件需要超过 {mb} MB 内存（或读取程序崩溃），已停止，未写入任何数据；请检查文件或拆分后再导入",
        "reading the file needed more than {mb} MB of memory (or crashed the reader) "
        "and was stopped; nothing was written: check or split the file",
    ),
    "ingest.error.read_memory": (
        "读取这个文件需要超过 {mb} MB 内存，已停止，未写入任何数据",
        "reading the file needed more than {mb} MB of memory; nothing was written",
    ),
    "ingest.error.reader_failed": (
        "读取文件时出错（代码 {code}），未写入任何数据",
        "the reader failed (exit {code}); nothing was written",
    ),
    "ingest.error.not_zip": (
        "不是有效的 Excel (.xlsx) 或 zip 文件（可能已损坏）",
        "not a readable Excel (.xlsx) or zip file (it may be damaged)",
    ),
    "ingest.error.zip_members": ("压缩包中文件过多（{n} 个，最多 {most}）", "too many members ({n}, at most {most})"),
    "ingest.error.zip_inflates": (
        "解压后超过 {mb} MB，拒绝处理（可能是压缩炸弹）；请拆分文件",
        "it inflates beyond {mb} MB (a zip bomb?): split the file",
    ),
    "ingest.error.zip_ratio": (
        "压缩比异常（超过 {ratio} 倍），拒绝处理（可能是压缩炸弹）",
        "it inflates more than {ratio} times its size (a zip bomb?)",
    ),
    "ingest.error.zip_member": ("压缩包中的 {name} 已损坏", "member {name} is damaged"),
    "ingest.error.sheet_cells": (
        "工作表「{sheet}」有 {cells:,} 个单元格，超过上限 {most:,}；请拆分成几个文件",
        "sheet {sheet!r} has {cells:,} cells, more than {most:,}: split the file",
    ),
    "ingest.error.sheet_range": (
        "工作表「{sheet}」只有 {cells:,} 个单元格，使用范围却延伸到 {last}；"
        "请删除远处多余的单元格（或把数据复制到新工作表）后再导入",
        "sheet {sheet!r} holds {cells:,} cells but its used range reaches {last}: delete the "
        "stray cells (or copy the data to a new sheet)",
    ),
    "ingest.error.long_line": (
        "第 {n} 行超过 {chars:,} 个字符，不是正常的表格行；请检查文件",
        "line {n} is longer than {chars:,} characters: check the file",
    ),
    "ingest.error.no_header": (
        "前 {rows} 行中找不到表头（至少需要两个已知列名，如 {want}）",
        "no header row with two known column names (such as {want}) in the first {rows} rows",
    ),
}
