"""Quantified statements: 「全年共召开党委理论学习中心组15次」 → activity, value, unit, approx."""

from __future__ import annotations

import re

from .cleaning import MARKERS
from .structure import ENUM_RE
from .tracked import Tracked

# Measure words, longest first so that 人次 wins over 人 and 个百分点 over 个.
UNITS = sorted(
    [
        "次",
        "场",
        "场次",
        "篇",
        "篇次",
        "条",
        "条次",
        "人次",
        "人",
        "名",
        "位",
        "个",
        "个次",
        "期",
        "件",
        "起",
        "份",
        "册",
        "本",
        "部",
        "项",
        "批",
        "批次",
        "家",
        "家次",
        "户",
        "户次",
        "处",
        "幅",
        "首",
        "台",
        "套",
        "块",
        "支",
        "队",
        "所",
        "座",
        "节",
        "课时",
        "学时",
        "小时",
        "天",
        "轮",
        "轮次",
        "组",
        "类",
        "封",
        "张",
        "集",
        "版",
        "档",
        "栏",
        "元",
        "万元",
        "亿元",
        "篇幅",
        "平方米",
        "公里",
        "米",
        "分钟",
        "倍",
        "个百分点",
        "百分点",
        "%",
        "％",
    ],
    key=len,
    reverse=True,
)
UNIT_RE = "|".join(re.escape(u) for u in UNITS)
CN_DIGITS = "零一二两三四五六七八九"
NUMBER = rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_DIGITS}十][{CN_DIGITS}十百千]*"
PREFIX_APPROX = r"近|约|大约|超过|超|逾|多达|将近|接近|达近"
METRIC_RE = re.compile(
    rf"(?P<pre>{PREFIX_APPROX})?(?P<num>{NUMBER})(?P<yu0>余|多)?(?P<mult>万|亿)?(?P<yu>余|多)?"
    rf"(?P<unit>{UNIT_RE})(?P<post>以上|左右|余|多)?"
)
PERCENT_RE = re.compile(rf"百分之(?P<num>{NUMBER})")

# Words that make a number+measure word something other than a count.
NOT_AFTER_UNIT = {
    "个": r"[^，。；：]{0,4}?(?:方面|特点|环节|层面|维度|阶段|步骤|原则|意识|自信|维护|确立|全面|坚持"
    r"|明确|必须|务必|代表|字|月|转变|结合|统筹|工作日|季度|星期|小时|年度|百分点)",
    "次": r"性|党代会|代表大会|全会|全委会",
    "人": r"民|大",
    "名": r"单|义|称|片|牌|誉",
    "部": r"门|署|长|分|队|位",
    "家": r"庭|长|乡|属|风",
    "处": r"理|置|室|长|分|级|于",
    "项": r"目|规定|注意|原则|基本|要求|主张",
    "场": r"所|合|景|面|地|馆|域",
    "条": r"件|例|幅",
    "台": r"账|风",
    "本": r"地|级|单位|次|人|身|领",
    "起": r"来|草|点|步|到|始",
    "队": r"伍|员",
    "支": r"部|持|撑|队|付",
    "所": r"有|在|以|属|谓",
    "期": r"间|限|望|刊|待",
    "节": r"日|点|约|目",
    "组": r"织|长|建|成",
    "批": r"评|示|准",
    "份": r"子",
    "类": r"型|似",
    "座": r"谈",
    "首": r"先|届|页|要",
    "版": r"权|面|块",
    "集": r"中|体|团|聚|合",
    "元": r"素|旦",
    "天": r"然|地|下",
    "张": r"贴",
    "封": r"闭|建",
    "块": r"钱",
    "套": r"路",
    "档": r"案|次",
}
SINGLE_ONE_UNITS = {"次", "场", "期", "轮", "批", "场次", "轮次", "批次"}
BOUNDARY = "，。；：！？\n"
QUOTED_RE = re.compile(r"“[^”]*”|《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|【[^】]*】|‘[^’]*’|「[^」]*」")
LEAD_FILLERS = re.compile(
    r"^(?:共有|\d{4}年(?:以来|度|内)?|全年度?|今年以来|年内|本年度|目前|截至目前|截至\S{0,8}?|期间|其中"
    r"|同时|此外|另外|并且?|还|均|已经?|共计?|累计|先后|总计|合计|按照|根据|通过|一年来|年度内|共有"
    r"|全[县区市镇乡省]|辖区|全系统|将|力争|计划|确保|争取|预计|拟)"
)
PERIOD_RE = re.compile(r"每(?:月|周|季度|季|年|半年|天|日|旬|两周|星期)")
LOWER_BOUND = r"至少|不少于|不得少于|不低于|最少|少于"
UPPER_BOUND = r"不超过|不高于|不多于|控制在|低于"
VERBS = sorted(
    [
        "召开",
        "开展",
        "组织",
        "举办",
        "举行",
        "开设",
        "发布",
        "推送",
        "刊发",
        "刊登",
        "上稿",
        "编发",
        "印发",
        "制定",
        "出台",
        "接待",
        "处置",
        "回复",
        "办理",
        "受理",
        "排查",
        "建立",
        "建成",
        "成立",
        "发展",
        "吸纳",
        "登记",
        "招募",
        "报送",
        "上报",
        "播出",
        "制作",
        "推出",
        "评选",
        "表彰",
        "慰问",
        "走访",
        "签订",
        "覆盖",
        "参与",
        "参加",
        "新建",
        "改造",
        "提供",
        "投入",
        "完成",
        "发现",
        "查处",
        "约谈",
        "下发",
        "转发",
        "录制",
        "拍摄",
        "创作",
        "征集",
        "收集",
        "撰写",
        "进行",
        "开播",
        "推荐",
        "采用",
        "刊载",
        "播发",
        "发放",
        "张贴",
        "悬挂",
        "设置",
        "设立",
        "选树",
        "评出",
        "命名",
        "授予",
        "聘请",
        "配备",
        "配齐",
        "组建",
        "打造",
        "建设",
        "清理",
        "删除",
        "关闭",
        "约见",
        "编印",
        "印制",
        "出版",
        "举报",
        "选派",
        "研究",
        "审核",
        "检查",
        "抽查",
        "查阅",
        "访谈",
        "督查",
        "监测",
        "培训",
        "培养",
        "主持",
        "修订",
        "明确",
        "整改",
        "化解",
        "下架",
        "纠正",
        "退回",
        "巡查",
        "回应",
        "办结",
        "出动",
        "纳入",
        "发表",
        "发稿",
        "调研",
        "宣讲",
        "观看",
        "评估",
        "备课",
        "关停",
        "注销",
        "督促",
        "组成",
        "落实",
        "访问",
        "讲授",
    ],
    key=len,
    reverse=True,
)
# 「党组织」「团组织」 are nouns, not the verb 组织.
# A verb right before 室/组/机构… names a body (督查室, 调研组, 培训机构), not an action.
NOUN_SUFFIX = r"(?![室组办部处站员团班]|机构|中心|专班|平台|基地)"
VERB_RE = re.compile("(?<![党团])(?:" + "|".join(VERBS) + ")" + NOUN_SUFFIX)
# A verb-like word kept in front of the first work verb (「主持召开」「带头开展」).
VERB_LEAD_RE = re.compile(
    r"(?:主持|带头|牵头|集中|专题|联合|指导|协调|分别|先后|规范|个别|妥善|平均)$"
)
SUBJECT_RE = re.compile(
    r"[对在向于从按据经和与及]|通过|(?:委|部|局|办|室|组|中心|支部|党委|党组|总支|街道|镇|乡|村|社区"
    r"|馆|校|团|队|站|所|院|会|单位|我|本人|个别|全年|年内|今年)$"
)
# Words after which the counted thing follows the number: 「对全县38所学校…」「深入6个乡镇」.
SCOPE_END_RE = re.compile(
    r"(?:^|[对向在赴到于和及与、或]|深入|覆盖|涉及|包括|全[市县区镇省乡]|辖区|市直|县直|区直|所属|全部)$"
)
# Where the counted thing after a number ends: an adverb, 的, a conjunction, a predicate.
NOUN_STOP_RE = re.compile(
    r"全部|均|都|已|共|的|正在|仍|尚|还|中|里|内|、|和|及|与|[，。；：！？]|(?<![党团])(?:进行|开展"
    r"|落实|实现|建立|建成|组织|召开|举办|参加|参与|接受|使用|存在|发现|完成|签订|设立|纳入|覆盖)"
)
# A figure for next year: 「计划…」「力争…」「确保…」 (and any figure in a plans section).
TARGET_RE = re.compile(r"计划|力争|确保|争取|目标[是为]|预计|拟|将要|打算")
SUBSET_RE = re.compile(r"其中|省级以上|市级以上|县级以上|中央级|国家级")
AFTER_MAX = 20
HAN_ONLY_RE = re.compile(r"^[\u4e00-\u9fff“”（）()]+$")
SENTENCE_END_RE = re.compile("[。！？；]")


def _number(text: str) -> int | float | None:
    text = text.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        value = float(text)
        return int(value) if value.is_integer() else value
    return _cn_number(text)


def _cn_number(text: str) -> int | None:
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
    digits["两"] = 2
    total, section, current = 0, 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch in "十百千":
            scale = {"十": 10, "百": 100, "千": 1000}[ch]
            section += (current or 1) * scale
            current = 0
        else:
            return None
    total += section + current
    return total or None


def _masked(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in QUOTED_RE.finditer(text)]


def _clause_start(text: str, index: int) -> int:
    start = max(text.rfind(ch, 0, index) for ch in BOUNDARY) + 1
    head = text[start:index]
    for _level, regex in MARKERS:
        m = regex.match(head)
        if m:
            return start + m.end()
    m = re.match(r"\s*(?:其)?[一二三四五六七八九十]{1,2}[是要]", head)
    if m:
        return start + m.end()
    return start


def _clause_end(text: str, index: int) -> int:
    ends = [i for i in (text.find(ch, index) for ch in BOUNDARY + "、") if i != -1]
    return min(ends) if ends else len(text)


def _noun_after(after: str) -> str:
    """The counted thing right after the measure word (「38所中小学、…」 → 中小学)."""
    stop = NOUN_STOP_RE.search(after, 1)
    noun = after[: stop.start()] if stop else after
    return noun if 2 <= len(noun) <= 16 and HAN_ONLY_RE.match(noun) else ""


def _activity(before: str, after: str) -> tuple[str, bool, str]:
    """(activity, used the words after the number, period such as 每月)."""
    period = ""
    pm = PERIOD_RE.search(before)
    if pm:
        period = pm.group(0)
        before = before[: pm.start()] + before[pm.end() :]
    before = re.sub(LOWER_BOUND + "|" + UPPER_BOUND + r"|不得", "", before)
    prev = None
    while prev != before:
        prev = before
        before = LEAD_FILLERS.sub("", before).strip("、，和及与 ")
    before = re.sub(r"(共计|累计|合计|总计|达到|共|达|计|均|的|了)+$", "", before)
    verb = VERB_RE.search(before)
    noun = _noun_after(after)
    if noun and (not verb or SCOPE_END_RE.search(before)):
        return noun, True, period
    act = before
    if verb:
        subject, act = before[: verb.start()], before[verb.start() :]
        lead = VERB_LEAD_RE.search(subject)
        rest = act[len(verb.group(0)) :]
        if rest.startswith("了"):
            rest = rest[1:]
        if "等" in rest and len(rest) > 28:
            rest = rest[rest.rindex("等") + 1 :]
        # A short subject that is not a body (「理论宣讲」) is part of the activity; a unit
        # (「局党组召开」) or a phrase with a preposition is not.
        keep = len(subject) <= 3 and not SUBJECT_RE.search(subject)
        act = (subject if keep else lead.group(0) if lead else "") + verb.group(0) + rest
        subject = "" if keep else subject
        if not rest:
            if after:
                return act + after, True, period
            act = subject + act
    elif "等" in act and act.rindex("等") < len(act) - 1:
        act = act[act.rindex("等") + 1 :]
    act = re.sub(r"(共计|累计|合计|总计|达到|共|达|计|均|的|了)+$", "", act)
    if act.endswith("等") and after:  # 「表彰张三等五个先进集体」
        return act + after, True, period
    if len(act) <= 1 and after:
        return act + after, True, period
    return act, False, period


def link_subsets(found: list[dict], offset: int) -> None:
    """Shift a paragraph's ``subset_of`` indices to their place in the whole list."""
    for metric in found:
        if metric["subset_of"] is not None:
            metric["subset_of"] += offset


def _link(out: list[dict], text: str) -> None:
    """「刊发稿件46篇，其中省级以上媒体刊发8篇」: the 8 is part of the 46 (same sentence, same
    unit, after 其中); every later figure of that sentence and unit too."""
    scope: dict[str, int] = {}  # unit → index of the total, within the current sentence
    sentence = -1
    previous_end = 0
    for index, metric in enumerate(out):
        start = metric.pop("_start")
        here = len(SENTENCE_END_RE.findall(text, 0, start))
        if here != sentence:
            scope, sentence, previous_end = {}, here, 0
        between = text[previous_end:start]
        unit = metric["unit"]
        if "其中" in between:
            total = next(
                (
                    j
                    for j in range(index - 1, -1, -1)
                    if out[j]["unit"] == unit
                    and out[j]["subset_of"] is None
                    and out[j]["_sentence"] == here
                ),
                None,
            )
            if total is not None:
                scope[unit] = total
        if unit in scope:
            metric["subset_of"] = scope[unit]
            metric["subset"] = True
        previous_end = metric.pop("_end")
    for metric in out:
        metric.pop("_sentence", None)


def _previous_clause(text: str, clause_start: int) -> str:
    """The clause before this one, for 「带头讲好党课，每年不少于2次」."""
    if clause_start <= 1:
        return ""
    start = _clause_start(text, clause_start - 1)
    before = text[start : clause_start - 1]
    return before if not METRIC_RE.search(before) else ""


def _sentence_before(text: str, index: int) -> str:
    start = max(text.rfind(ch, 0, index) for ch in "。！？；") + 1
    return text[start:index]


def _record(paragraph: Tracked, raw: str, start: int, end: int, **fields) -> dict:
    while start < end and paragraph.text[start] in " \u3000":
        start += 1
    raw_start, raw_end = paragraph.span(start, end)
    fields["activity"] = re.sub(r"[“”‘’「」]", "", fields["activity"]).strip()
    return {
        **fields,
        "source": raw[raw_start:raw_end],
        "span": [raw_start, raw_end],
        "subset": bool(SUBSET_RE.search(fields.pop("_clause"))),
        "subset_of": None,
    }


def _count_value(m: re.Match, text: str, masked: list[tuple[int, int]]) -> int | float | None:
    """The value of a number + measure word, or None when it is not a count (quoted, an
    ordinal, a date, 「一项工作」, 「三个方面」, 「部门」…)."""
    s, e = m.start("num"), m.end()
    if any(a <= s < b for a, b in masked):
        return None
    num, unit = m.group("num"), m.group("unit")
    prev = text[s - 1] if s > 0 and not m.group("pre") else ""
    if prev and (prev.isdigit() or prev.isascii() and prev.isalpha() or prev in ".-－/第初周#"):
        return None
    if not num[0].isdigit():
        if text[max(0, s - 2) : s] in ("星期", "礼拜") or prev in "第初之统唯同逐专单万":
            return None
        if num == "一" and unit not in SINGLE_ONE_UNITS:
            return None
        if num in ("一", "两") and text[e : e + 1] == "性":
            return None
    forbidden = NOT_AFTER_UNIT.get(unit)
    if forbidden and re.match(forbidden, text[e:]):
        return None
    if unit in ("%", "％") and m.group("mult"):
        return None
    value = _number(num)
    if value is None or (isinstance(value, int) and value > 10**9):
        return None
    return value


def extract(paragraph: Tracked, raw: str, section: str = "", plan: bool = False) -> list[dict]:
    """Quantified statements of one paragraph; ``plan``: the paragraph is in a plans section,
    so its figures are targets."""
    text = paragraph.text
    masked = _masked(text)
    out = _counts(paragraph, raw, section, plan, masked) + _percents(
        paragraph, raw, section, plan, masked
    )
    out.sort(key=lambda metric: metric["_start"])
    for metric in out:
        metric["_sentence"] = len(SENTENCE_END_RE.findall(text, 0, metric["_start"]))
    _link(out, text)
    return out


def _words_after(text: str, end: int, clause_end: int) -> str:
    """The words after a figure that may name what it counts (「…6个（家）的阵地」 → 阵地)."""
    after = text[end:clause_end]
    after = re.sub(r"^[（(][^）)]{0,6}[）)]", "", after) if not _noun_after(after) else after
    after = after[1:] if after.startswith("的") else after
    return after[:AFTER_MAX] if len(after) <= AFTER_MAX else _noun_after(after)


def _is_approximate(m: re.Match, before: str) -> bool:
    return bool(
        m.group("pre")
        or m.group("yu")
        or m.group("yu0")
        or m.group("post")
        or re.search(rf"(?:{LOWER_BOUND}|{UPPER_BOUND})[^，。；]{{0,6}}$", before)
    )


def _counts(paragraph: Tracked, raw: str, section: str, plan: bool, masked) -> list[dict]:
    text = paragraph.text
    out: list[dict] = []
    previous_end = 0
    for m in METRIC_RE.finditer(text):
        s, e = m.start("num"), m.end()
        value = _count_value(m, text, masked)
        if value is None:
            continue
        clause_start = _clause_start(text, m.start())
        # 「开设网站1个、公众号6个」: the second figure's words start after the first one.
        before = text[max(clause_start, previous_end) : m.start()]
        if before.endswith("第"):
            continue
        if (m.group("pre") or "").startswith("超") and before.endswith("不"):
            before = before[:-1]  # 「不超过2小时」: an upper bound, 「不」 is not the activity's
        clause_end = _clause_end(text, e)
        activity, used_after, period = _activity(before, _words_after(text, e, clause_end))
        if not activity:
            activity, _used, _period = _activity(_previous_clause(text, clause_start), "")
        previous_end = e
        unit = m.group("unit")
        record = _record(
            paragraph,
            raw,
            clause_start,
            clause_end if used_after else e,
            activity=activity,
            value=value,
            unit=(m.group("mult") or "") + ("%" if unit == "％" else unit),
            approx=_is_approximate(m, before),
            period=period,
            section=section,
            target=plan or bool(TARGET_RE.search(_sentence_before(text, s))),
            _clause=text[clause_start:e],
        )
        out.append({**record, "_start": s, "_end": e})
    return out


def _percents(paragraph: Tracked, raw: str, section: str, plan: bool, masked) -> list[dict]:
    text = paragraph.text
    out: list[dict] = []
    for m in PERCENT_RE.finditer(text):
        if any(a <= m.start() < b for a, b in masked):
            continue
        value = _number(m.group("num"))
        if value is None:
            continue
        clause_start = _clause_start(text, m.start())
        activity, _used, period = _activity(text[clause_start : m.start()], "")
        record = _record(
            paragraph,
            raw,
            clause_start,
            m.end(),
            activity=activity,
            value=value,
            unit="%",
            approx=False,
            period=period,
            section=section,
            target=plan or bool(TARGET_RE.search(_sentence_before(text, m.start()))),
            _clause=text[clause_start : m.end()],
        )
        out.append({**record, "_start": m.start(), "_end": m.end()})
    return out


__all__ = ["ENUM_RE", "extract", "link_subsets"]
