"""Page chrome around a report, told apart from the report by features of each line.

No list of known lines: every line gets a score from what it looks like —

* vocabulary of web pages, document sites and portals (navigation, counters, copyright,
  sharing, paywalls, field labels of a 信息公开 header), one point per word;
* shape: separators between short items (``|`` ``>`` ``»`` ``·``, bracketed 【items】),
  timestamps, ``label: value`` pairs, URLs and e-mail addresses, code and markup, a line that
  is only a page number;
* minus the signs of prose: sentence punctuation, length, a heading marker at the start;
* repetition: a short line that occurs more than once (running headers and footers);

and its position: everything before the report's title is page header, and after the
report's last line of prose only a signature (a unit and a date) survives.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Words of page chrome (Simplified; the text is converted before scoring). Each is one point.
CHROME_WORDS = (
    "首页|主页|网站|本站|本网|栏目|频道|当前位置|您的位置|所在位置|现在的位置|正文|打印|关闭|窗口"
    "|收藏|分享|转发到|扫一扫|二维码|手机|APP|客户端|浏览|阅读|点击|访问|次数|下载|上传|积分|VIP"
    "|会员|开通|支付|付费|隐藏|展开|全文|文档|本文|版权|侵权|免责|声明|仅供|参考|学习交流|删除"
    "|备案|ICP|公网安备|技术支持|主办|承办|协办|网站地图|联系我们|隐私|Powered|Copyright"
    "|All Rights|上一篇|下一篇|上一页|下一页|相关|推荐|热词|热门|猜你喜欢|更多|精彩|关注|公众号"
    "|点赞|在看|评论|举报|反馈|字号|字体|作者|来源|责任编辑|编辑|发布|发表于|楼主|只看|回复|引用"
    "|帖|索引号|发文机关|成文日期|发文字号|主题词|主题分类|有效性|标识码|识别码|返回|顶部|原创"
    "|合集|标签|预览|范文|文库|通用|页数|字数|Word版|可编辑|精品|摘要|有所帮助|以上就是|内部资料"
    "|注意保存|邮编|电话|地址|传真|附件下载|信息公开|首頁"
)
CHROME_RE = re.compile(CHROME_WORDS, re.IGNORECASE)
# Words of the reports themselves (work, Party, propaganda); each takes off a little.
REPORT_WORDS_RE = re.compile(
    r"开展|加强|推进|落实|全年|工作|建设|管理|组织|召开|制度|机制|意识形态|宣传|学习|教育|党[委组员支]"
    r"|群众|干部|责任|问题|整改|提升|完善|健全|深入|坚持|阵地|舆情|舆论|理论|队伍|审核"
)
# A quantified statement (「2860条」「120万次」) is report text, not a page counter.
QUANTITY_RE = re.compile(
    r"\d+(?:\.\d+)?\s*[万亿]?\s*(?:条|次|篇|个|人次|场|期|项|份|家|名|件|起|处)"
)
SEPARATOR_RE = re.compile(r"\s[|｜>›»/·]\s|[|｜┊]|>>|›|»|→|&gt;|^\s*[·•]")
BRACKET_ITEM_RE = re.compile(r"[【\[][^】\]]{1,12}[】\]]")
TIMESTAMP_RE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}|\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}[:：]"
)
URL_RE = re.compile(r"https?://|www\.\S+|\S+\.(?:com|cn|net|org|html?)\b|[\w.]+@[\w-]+\.\w+", re.I)
CODE_RE = re.compile(r"[{}();=<>&#_\\]")
TAG_RE = re.compile(r"<!--.*?-->|<\s*/?\s*[a-zA-Z][^<>]*>|<!--|-->")
ENTITY_RE = re.compile(r"&(nbsp|gt|lt|amp|quot|copy|reg|middot|mdash|ldquo|rdquo|#\d{2,5});")
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—－]\s*\d{1,4}\s*[-—－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|共\s*\d{1,4}\s*页)\s*$"
)
# ``label: value`` — a field label of 2–6 Han characters (spaces allowed between them).
FIELD_RE = re.compile(rf"((?:[{HAN}]\s*){{1,5}}[{HAN}])\s*[:：]")
FIELD_LABELS = re.compile(
    r"^(索引号|分类|主题分类|体裁分类|发文机关|发布机构|发文单位|成文日期|成文时间|发布日期|发布时间"
    r"|发文字号|文号|主题词|有效性|标题|题目|作者|来源|信息来源|时间|日期|更新时间|编辑|责任编辑"
    r"|审核|浏览|浏览次数|浏览量|阅读|阅读量|点击数|点击量|访问量|字号|字体|发布者|上传者|页数|字数"
    r"|打印时间|本页地址|主办单位|承办单位|技术支持|版权所有|备案号|网站标识码|网站识别码|网站主办"
    r"|地址|邮编|电话|公开方式|公开范围|附件下载|热词|相关文章|关键词|标签|摘要|文章摘要|抄送|主送)$"
)
ISSUER_LABELS = ("发文机关", "发布机构", "发文单位")
DATE_LABELS = ("成文日期", "成文时间")
TITLE_LABELS = ("标题", "题目")
SENTENCE_RE = re.compile("[。；！？]")
COMMA_RE = re.compile("[，、]")
PIECE_RE = re.compile(r"^篇\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*[:：]?")
SIGNATURE_DATE_RE = re.compile(
    r"^\s*(?:[12０-９\dxX_＿〇○一二三四五六七八九零]{4}|20__|20xx|20XX)\s*年"
    r"\s*[\d_＿xX一二三四五六七八九十〇○]{0,3}\s*月?\s*[\d_＿xX一二三四五六七八九十〇○]{0,3}\s*日?\s*$"
)
ORG_END_RE = re.compile(
    r"(委|部|局|办|室|中心|政府|组|会|院|校|所|馆|站|队|支部|党委|公司|厅|处|街道|镇|乡)$"
)

CHROME_CUT = 2.0  # a line scoring this much is chrome wherever it is
EDGE_CUT = 0.5  # before the title or after the last line of prose


@dataclass
class Fields:
    """``label: value`` pairs of a portal / print-view header line."""

    pairs: list[tuple[str, str]] = field(default_factory=list)

    def get(self, labels: tuple[str, ...]) -> str:
        for label, value in self.pairs:
            if label in labels and value:
                return value
        return ""


def strip_markup(text: str) -> str:
    if "<" in text or "&" in text:
        text = TAG_RE.sub(" ", text)
        text = ENTITY_RE.sub(
            lambda m: {"gt": ">", "lt": "<", "amp": "&", "copy": "©", "middot": "·"}.get(
                m.group(1), " "
            ),
            text,
        )
    return text


def _label(m: re.Match) -> tuple[str, int] | None:
    """The known label ending a ``…：`` match and where it starts (``旅游局  成文日期：`` →
    成文日期: the match may have taken the end of the previous value)."""
    for start in range(m.start(1), m.end(1)):
        if text_is_han(m.string[start]):
            label = re.sub(r"\s+", "", m.string[start : m.end(1)])
            if FIELD_LABELS.match(label):
                return label, start
    return None


def text_is_han(ch: str) -> bool:
    return bool(re.match(f"[{HAN}]", ch))


@lru_cache(maxsize=8192)
def fields(text: str) -> Fields:
    """The ``label: value`` pairs of a line, when the line is made of such pairs (cached: a
    line is looked at several times; the result is not to be changed)."""
    found = [(m, _label(m)) for m in FIELD_RE.finditer(text)]
    known = [(m, label) for m, label in found if label]
    out = Fields()
    if not known or (len(found) == 1 and len(text) > 90):
        return out
    for i, (m, (label, _start)) in enumerate(known):
        end = known[i + 1][1][1] if i + 1 < len(known) else len(text)
        value = text[m.end() : end].strip(" |｜\u3000")
        out.pairs.append((label, re.sub(r"\s{2,}.*$", "", value).strip()))
    return out


@lru_cache(maxsize=8192)
def chrome_score(text: str, *, marker: bool) -> float:
    """How much a line (Simplified, markup already removed) looks like page chrome."""
    s = text.strip()
    if not s:
        return 0.0
    # Chrome words count fully on a short line, diluted on a long one (a paragraph about
    # 网站 and 公众号 is still a paragraph).
    score = len(CHROME_RE.findall(s)) * min(1.0, 30 / len(s))
    score += 1.5 * len(SEPARATOR_RE.findall(s))
    score += 0.5 * len(BRACKET_ITEM_RE.findall(s))
    score += 1.5 * bool(TIMESTAMP_RE.search(s))
    score += 2.0 * bool(URL_RE.search(s))
    score += 2.0 * len(fields(s).pairs)
    if PAGE_NUMBER_RE.match(s) or PIECE_RE.match(s):
        score += 3
    ascii_symbols = len(CODE_RE.findall(s))
    if ascii_symbols >= 4 and ascii_symbols > 0.08 * len(s):
        score += 3
    han = len(re.findall(f"[{HAN}]", s))
    if han < 0.3 * len(s) and len(s) > 6:
        score += 1
    score -= min(0.75 * len(REPORT_WORDS_RE.findall(s)), 2.5)
    score -= min(0.75 * len(QUANTITY_RE.findall(s)), 1.5)
    sentences = len(SENTENCE_RE.findall(s))
    score -= 0.5 * min(sentences + 0.5 * len(COMMA_RE.findall(s)), 6)
    if len(s) > 80:
        score -= 1
    if marker:
        score -= 2
    return score


def is_prose(text: str, score: float) -> bool:
    """A line of the report itself: a sentence of some length that does not look like chrome."""
    s = text.strip()
    return score < 1 and len(s) >= 12 and bool(SENTENCE_RE.search(s) or len(s) >= 40)


def repeated(keys: list[str]) -> set[str]:
    counts = Counter(k for k in keys if 0 < len(k) <= 40)
    return {k for k, n in counts.items() if n >= 2}


def is_signature(lines: list[str], index: int) -> bool:
    """A closing date (``2025年1月10日``, ``20__年__月__日``) or the unit line just above it."""
    text = lines[index].strip()
    if SIGNATURE_DATE_RE.match(text):
        return True
    below = lines[index + 1].strip() if index + 1 < len(lines) else ""
    return (
        len(text) <= 30
        and bool(ORG_END_RE.search(text))
        and bool(SIGNATURE_DATE_RE.match(below))
        and not CHROME_RE.search(text)
    )
