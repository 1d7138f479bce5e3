"""Chinese name and place-name material for the demo generator.

Everything here is plain data plus tiny helpers; the generator draws from it with a seeded
``numpy.random.Generator`` so the output is deterministic.
"""

from __future__ import annotations

import numpy as np

# The 34 乡镇/街道 of 梁平区 as commonly listed (2 街道, 28 镇, 4 乡).  Only the names are
# real: the demo places them on generated territory, not on their real ground.
STREETS = ["梁山街道", "双桂街道"]
TOWNS = [
    "仁贤镇",
    "礼让镇",
    "云龙镇",
    "屏锦镇",
    "袁驿镇",
    "新盛镇",
    "福禄镇",
    "金带镇",
    "聚奎镇",
    "明达镇",
    "荫平镇",
    "和林镇",
    "回龙镇",
    "碧山镇",
    "虎城镇",
    "七星镇",
    "龙门镇",
    "文化镇",
    "合兴镇",
    "石安镇",
    "柏家镇",
    "大观镇",
    "竹山镇",
    "蟠龙镇",
    "星桥镇",
    "曲水镇",
    "安胜镇",
    "复平镇",
]
XIANG = ["紫照乡", "铁门乡", "龙胜乡", "城东乡"]

# Common surnames (roughly by frequency in Chongqing), with relative weights.
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤冉牟"
)
SURNAME_WEIGHTS = np.array([1.0 / (1 + 0.06 * i) for i in range(len(SURNAMES))])
SURNAME_WEIGHTS /= SURNAME_WEIGHTS.sum()

GIVEN_MALE = list("国建明华军平志伟强勇刚福贵海林德成春永祥文宏光兴荣清富贤彬鹏涛斌杰浩宇俊波")
GIVEN_FEMALE = list("秀英兰芳玉珍桂凤琴梅丽霞敏燕红艳霞娟淑慧琳婷雪莉萍静芬翠")

# Village / community name syllables.
PLACE_FIRST = list("双红金石龙新桂竹柏凤狮白黄青高长大小太永和安福兴胜合古松梅花仁明天云庙马")
PLACE_SECOND = list("桥山河湾坪岭坝塘沟林垭滩溪寨坡岩庙堰田园观峰门寺口湖池")

VISIT_NOTES_ACTION = [
    "反映道路破损",
    "咨询医保报销",
    "反映饮水管道漏水",
    "申请低保",
    "反映邻里纠纷",
    "反映路灯损坏",
    "反映土地流转纠纷",
    "咨询养老保险",
    "反映房屋漏雨",
    "反映垃圾清运不及时",
    "反映灌溉渠堵塞",
    "反映农民工工资拖欠",
]
FOLLOW_UP_RESULTS = [
    "已协调相关部门解决",
    "已现场处理",
    "已联系村两委落实",
    "已答复政策并办理",
    "已调解，双方满意",
    "已上报镇里，问题已解决",
    "已维修完毕",
]
VISIT_NOTES_INFO = [
    "家中情况正常",
    "宣传防诈骗知识",
    "宣传医保政策",
    "了解老人身体状况",
    "宣传森林防火",
    "宣讲惠民政策",
    "留守儿童学习情况良好",
    "宣传防汛安全",
    "核实家庭人口信息",
]

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """``n`` in Chinese numerals.

    Parameters
    ----------
    n : int
        0 to 999.

    Returns
    -------
    str
        The number as written in names (十二, 二十一, 一百零五, 一百一十二).

    Examples
    --------
    >>> chinese_number(12), chinese_number(21), chinese_number(105), chinese_number(112)
    ('十二', '二十一', '一百零五', '一百一十二')
    """
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    if rest < 20:
        return head + "一" + chinese_number(rest)
    return head + chinese_number(rest)


def grid_name(i: int) -> str:
    """Name of the ``i``-th grid of a village.

    Parameters
    ----------
    i : int
        The grid's number in its village, from 1.

    Returns
    -------
    str
        第一网格, 第二网格, …

    Examples
    --------
    >>> grid_name(3)
    '第三网格'
    """
    return f"第{chinese_number(i)}网格"


def township_names(n: int) -> list[tuple[str, str]]:
    """``n`` township names with their kind.

    Uses the real names of 梁平区 first (streets, towns, 乡), then made-up ``XX镇`` names.

    Parameters
    ----------
    n : int
        How many townships.

    Returns
    -------
    list of (name, kind), length n
        ``kind`` is ``street`` (街道), ``town`` (镇) or ``xiang`` (乡); streets first.
    """
    real = [(s, "street") for s in STREETS] + [(t, "town") for t in TOWNS] + [(x, "xiang") for x in XIANG]
    if n <= len(real):
        # Keep the streets, then take towns and 乡 proportionally from the front of each list.
        n_street = min(len(STREETS), max(1, round(n * len(STREETS) / len(real))))
        n_xiang = min(len(XIANG), round(n * len(XIANG) / len(real)))
        n_town = n - n_street - n_xiang
        return (
            [(s, "street") for s in STREETS[:n_street]]
            + [(t, "town") for t in TOWNS[:n_town]]
            + [(x, "xiang") for x in XIANG[:n_xiang]]
        )
    out = list(real)
    used = {name for name, _ in out}
    for a in PLACE_FIRST:
        for b in PLACE_SECOND:
            name = a + b + "镇"
            if len(out) >= n:
                return out
            if name not in used:
                used.add(name)
                out.append((name, "town"))
    return out


def place_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct place names without suffix.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's random stream.
    n : int
        How many names.

    Returns
    -------
    list of str, length n
        Two-character names (龙滩, 石桥, …); three characters once two-character ones run out.
    """
    combos = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
    if n > len(combos):
        combos += [a + b + c for a in PLACE_FIRST for b in PLACE_FIRST for c in PLACE_SECOND if a != b]
    pick = rng.choice(len(combos), size=n, replace=False)
    return [combos[i] for i in pick]


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` Chinese personal names.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's random stream.
    n : int
        How many names.

    Returns
    -------
    numpy.ndarray of str (object dtype), shape (n,)
        Surname (weighted by frequency) and one or two given characters.
    """
    sur = np.array(SURNAMES)[rng.choice(len(SURNAMES), size=n, p=SURNAME_WEIGHTS)]
    male = rng.random(n) < 0.55
    pool_m = np.array(GIVEN_MALE)
    pool_f = np.array(GIVEN_FEMALE)
    g1 = np.where(male, pool_m[rng.integers(0, len(pool_m), n)], pool_f[rng.integers(0, len(pool_f), n)])
    g2 = np.where(male, pool_m[rng.integers(0, len(pool_m), n)], pool_f[rng.integers(0, len(pool_f), n)])
    two = rng.random(n) < 0.7
    given = np.where(two, np.char.add(g1, g2), g1)
    return np.char.add(sur, given).astype(object)


def mobile_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` made-up mobile numbers.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's random stream.
    n : int
        How many numbers.

    Returns
    -------
    numpy.ndarray of str (object dtype), shape (n,)
        11 digits starting 13x, 15x or 18x (not checked to be distinct).
    """
    prefix = np.array(["13", "15", "18"])[rng.choice(3, size=n, p=[0.45, 0.3, 0.25])]
    third = rng.integers(0, 10, n).astype(str)
    rest = np.char.zfill(rng.integers(0, 100_000_000, n).astype(str), 8)
    return np.char.add(np.char.add(prefix, third), rest).astype(object)
