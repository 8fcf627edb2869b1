"""Past-report import: the parser on the four seed reports and on reports it has never seen.

Every quantified statement of each seed is listed here by hand (from reading the seed), as
(activity keyword, value, unit, approx); the parser must find exactly these, in order.
"""

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.reports.importing import (
    KEYS,
    ReportImportError,
    ensure_report,
    parse_file,
    parse_text,
    read_report,
)
from luoshi.reports.models import ReportKind

SEEDS = Path(__file__).parent / "fixtures" / "report_seeds"


def seed(prefix):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path, path.read_text(encoding="utf-8")


def headings(nodes, level):
    out = []
    for node in nodes:
        if node["level"] == level:
            out.append(node["heading"])
        out.extend(headings(node["children"], level))
    return out


def assert_metrics(parsed, raw, expected):
    got = parsed["metrics"]
    summary = [(m["activity"], m["value"], m["unit"], m["approx"]) for m in got]
    assert len(got) == len(expected), summary
    for metric, (keyword, value, unit, approx) in zip(got, expected, strict=True):
        assert keyword in metric["activity"], (keyword, metric)
        assert metric["value"] == value, metric
        assert metric["unit"] == unit, metric
        assert metric["approx"] is approx, metric
        assert metric["source"] in raw
        start, end = metric["span"]
        assert raw[start:end] == metric["source"]


# --- seed 000: Traditional script, pinyin annotations, duplicated title, copyright footer ---


def test_seed_000_traditional_with_pinyin():
    path, raw = seed("000")
    _raw, parsed = parse_file(path)
    assert parsed["script"] == "traditional"
    assert parsed["title"] == "局意识形态工作调研报告"
    assert parsed["year"] is None
    assert parsed["kind"] == ReportKind.RESEARCH_REPORT
    assert "(shí)" not in parsed["text"] and "識" not in parsed["text"]
    assert parsed["text"].count("局意识形态工作调研报告") == 1
    assert "，" in parsed["text"] and "," not in parsed["text"]
    assert any("yyfangchan@163.com" in line for line in parsed["removed"])
    assert "本站" not in parsed["text"]
    assert headings(parsed["sections"], 1) == [
        "一、强化组织领导，落实意识形态工作责任制",
        "二、把握正确导向，加强政治理论学习",
        "三、创新意识形态工作方法，培养干良好道德风尚",
        "四、加强舆论引导，有效管控信息宣传安全",
        "五、存在的问题",
        "六、未来工作方向",
    ]
    assert headings(parsed["sections"], 2) == []
    third = parsed["sections"][2]
    assert [c["heading"] for c in third["children"]] == [
        "一是开展党性教育",
        "二是开展模范教育",
        "三是开展警示教育",
    ]
    assert parsed["problems"] == [
        "一是对意识形态工作认识不足",
        "二是意识形态工作机制不够健全",
        "三是意识形态阵地管理不足",
        "四是对意识形态工作具体举措研究不够深入",
        "五是对意识形态工作长效推进力度抓得还不够大",
    ]
    assert parsed["plans"] == ["一是加强理论学习", "二是抓好责任落实", "三是加强短板意识和创新意识"]
    # 「八项规定」「四个意识」「三会一课」「举一反三」 are names, not counts.
    assert_metrics(parsed, raw, [])


# --- seed 001: web page (老秘网), 标题:/作者:/时间: lines, inline 一是/二是 problems ---


def test_seed_001_web_boilerplate_and_metrics():
    path, raw = seed("001")
    _raw, parsed = parse_file(path)
    assert parsed["title"] == "局2024年意识形态工作总结"
    assert parsed["year"] == 2024
    assert parsed["script"] == "simplified"
    assert parsed["kind"] == ReportKind.ANNUAL_SUMMARY
    removed = "\n".join(parsed["removed"])
    for chrome in ("老秘网_材夜思范文", "[打印本页]", "作者: 秘途杂谈", "Powered by Discuz"):
        assert chrome in removed
        assert chrome not in parsed["text"]
    assert parsed["text"].startswith("局2024年意识形态工作总结\n2024年，局在上级党委")
    assert headings(parsed["sections"], 1) == [
        "一、工作开展情况",
        "二、存在的问题",
        "三、下一步工作计划",
    ]
    assert headings(parsed["sections"], 2) == [
        "（一）夯实政治理论学习根基，筑牢意识形态思想防线，把牢“方向盘”",
        "（二）完善舆论引导机制程序，维护网络意识形态安全，筑牢“防火墙”",
        "（三）推动各类阵地建强用好，强化意识形态宣传力度，建强“主阵地”",
        "（四）健全意识形态责任体系，构筑意识形态安全屏障，种好“责任田”",
        "（一）提高政治站位，强化思想认识",
        "（二）加强阵地建设，扩大主流舆论影响力",
        "（三）凝聚工作合力，营造浓厚氛围",
        "（四）深化三中全会精神学习，推动工作创新发展",
    ]
    first = parsed["sections"][0]["children"][0]
    assert [c["heading"] for c in first["children"]] == [
        "一是发挥党委理论学习中心组的引导带动作用",
        "二是开展好群众性理论宣讲活动，推动党的理论深入基层",
    ]
    assert parsed["problems"] == [
        "一是文化宣传专业人才较为缺乏",
        "二是网络舆情引导及监测能力有待加强，没有有效抓手",
        "三是根据各个支部的实际情况参差不齐，缺乏针对性的开展意识形态理论教育和业务培训",
        "四是学习贯彻党的二十届三中全会精神的深度和广度还不够",
    ]
    assert parsed["plans"] == [
        "（一）提高政治站位，强化思想认识",
        "（二）加强阵地建设，扩大主流舆论影响力",
        "（三）凝聚工作合力，营造浓厚氛围",
        "（四）深化三中全会精神学习，推动工作创新发展",
    ]
    assert_metrics(
        parsed,
        raw,
        [
            ("召开党委理论学习中心组", 15, "次", False),
            ("理论宣讲活动", 180, "次", False),
            ("上稿", 212, "篇", False),
            ("开展新时代文明实践活动", 2, "次", True),  # 每月至少开展2次
            ("文明实践活动", 200, "次", True),  # 200余次
        ],
    )
    assert parsed["metrics"][0]["source"] == "全年共召开党委理论学习中心组15次"
    assert parsed["metrics"][3]["period"] == "每月"


# --- seed 002: Traditional, 1、 items numbered across (一)…(七), 问题和打算 in one section ---


def test_seed_002_items_and_combined_problem_plan_section():
    path, raw = seed("002")
    _raw, parsed = parse_file(path)
    assert parsed["script"] == "traditional"
    assert parsed["title"] == "2019年度意识形态工作专题报告"
    assert parsed["year"] == 2019
    assert parsed["kind"] == ReportKind.SPECIAL_REPORT
    assert headings(parsed["sections"], 1) == [
        "一、意识形态工作开展情况",
        "二、存在的问题和2020年工作打算",
    ]
    assert headings(parsed["sections"], 2) == [
        "（一）推动习近平新时代中国特色社会主义思想入脑入心",
        "（二）推进意识形态工作责任制落实落细",
        "（三）加强舆论引导能力建设",
        "（四）深化社会主义核心价值观建设",
        "（五）严格意识形态阵地建设",
        "（六）培育意识形态工作新风尚",
        "（七）防范化解意识形态领域重大风险",
    ]
    level3 = headings(parsed["sections"][0]["children"], 3)
    assert level3[:3] == ["1、抓好理论学习", "2、提升宣讲实效", "3、突出志愿服务"]
    assert level3[9] == "10、认真办好各类文化节庆活动和群众性文艺活动"
    assert len(level3) == 11
    assert parsed["problems"] == [
        "1、理论学习不够充分深入",
        "2、平时信息报送还不够及时、全面",
        "3、与上级部门交流不够",
        "4、“学习强国”平台的使用力度需要进一步提升",
        "5、宣传工作仍有很大提升空间",
        "6、村级宣传队伍业务水平有待进一步提高",
        "7、阵地建设有待进一步加强",
    ]
    assert parsed["plans"] == [
        "一是加强看齐意识和责任意识",
        "二是强化担当意识和战斗意识",
        "三是加强短板意识和创新意识",
    ]
    assert_metrics(
        parsed,
        raw,
        [
            ("理论中心组", 9, "次", False),
            ("学习研讨", 2, "次", False),
            ("干部集中学习", 4, "次", False),
            ("下载", 248, "人", False),
            ("占党员总数", 67.57, "%", False),
            ("专题宣讲活动", 5, "次", False),
            ("政策宣讲", 60, "次", True),
            ("志愿者", 210, "人", False),
            ("志愿活动", 50, "次", True),
            ("意识形态专题工作会议", 1, "次", False),
            ("情况通报", 1, "次", False),
            ("网评员队伍", 8, "人", False),
            ("网络舆情", 5, "起", False),
            ("理论宣讲和志愿服务", 1, "次", True),  # 每月……不得少于一次
            ("各类活动", 120, "次", True),
            ("竹峰好人", 9, "人", False),
            ("党员入选好人", 2, "名", False),
            ("舆论引导", 4, "次", False),
            ("送电影下乡", 3, "次", False),
            ("谈话处理", 1, "名", False),
        ],
    )
    # The source quotes the file as it is: Traditional characters.
    assert parsed["metrics"][0]["source"] == "開展黨工委理論中心組9次"


# --- seed 003: PDF-extracted (line breaks mid-word, spaces around numbers), 一要/二要 plans ---


def test_seed_003_pdf_text():
    path, raw = seed("003")
    _raw, parsed = parse_file(path)
    assert parsed["title"] == "xx区委宣传部对于全区意识形态风险隐患情况排查报告"
    assert parsed["kind"] == ReportKind.RISK_SCREENING
    assert parsed["year"] is None  # only 20xx in the body; 发布时间 is the website's
    assert "监督与管理，推动互联网" in parsed["text"]  # joined across the PDF line break
    assert "微信公众号，充分利用" in parsed["text"]
    assert "排查报告范文" not in parsed["text"]  # the title glued to the first paragraph
    removed = "\n".join(parsed["removed"])
    for chrome in ("当前位置", "发布时间", "相关热词搜索", "ICP备", "Copyright"):
        assert chrome in removed
    assert headings(parsed["sections"], 1) == [
        "一、总体情况",
        "二、对我区意识形态工作情况的总体判断",
        "三、我区意识形态工作领域的一些基本情况",
        "四、主要问题和不足",
        "五、下一步工作措施",
    ]
    assert headings(parsed["sections"], 2) == []
    assert headings(parsed["sections"], 3) == [
        "1.区委将意识形态工作作为极端重要工作",
        "2.强化舆论阵地管理，围绕全区中心重点工作，坚持团结鼓劲、正面宣传为主，主流意识形态进一步巩固壮大",
        "3.加强学校和各类讲座讲坛等阵地管理",
        "4.强化文化阵地管理",
    ]
    assert [c["heading"] for c in parsed["sections"][2]["children"]] == [
        "一是重视程度有新提高",
        "二是理论武装有新突破",
        "三是文化引领有新形式",
        "四是舆论引导有新起色",
        "五是发挥职能有新举措",
    ]
    assert parsed["problems"] == [
        "一是思想认识不够到位",
        "二是工作机制不够健全",
        "三是工作措施不够得力",
    ]
    assert parsed["plans"] == [
        "一要坚决落实意识形态工作责任制",
        "二要强化理论学习和舆论引导",
        "三要坚决维护网络意识形态安全",
    ]
    # 40周年 / 40年来 / 5个明显特点 / 十三次党代会 / xx人 are not counts of work.
    assert_metrics(
        parsed,
        raw,
        [
            ("党委中心组学习", 2, "次", False),
            ("干部大讲堂", 1, "次", False),
            ("感动庆阳年度人物", 1, "人", False),
            ("产业致富带头人", 5, "个", False),
        ],
    )
    assert parsed["metrics"][0]["source"] == "党委中心组学习每月 2 次"


# --- reports the parser has never seen ---

TRADITIONAL = """縣文化館2023年度意識(shì)形態工作總結
一、主要工作
(一)加強理論學習.全年共組織集中學習十五次,舉辦專題講座3場;開展"文化進萬家"活動近40場,服務群眾超過1.2萬人次。
(二)強化陣地管理：審核展覽內容26項，處置不良資訊兩起。
二、存在的問題
一是學習形式比較單一。二是陣地巡查不夠常態化。
三、2024年工作打算
(一)創新學習方式。
(二)完善巡查制度。
"""


def test_unseen_traditional_report_with_pinyin_and_mixed_punctuation():
    parsed = ensure_report(parse_text(TRADITIONAL))
    assert parsed["script"] == "traditional"
    assert parsed["title"] == "县文化馆2023年度意识形态工作总结"
    assert parsed["year"] == 2023
    assert parsed["kind"] == ReportKind.ANNUAL_SUMMARY
    assert "(shì)" not in parsed["text"]
    assert "（一）加强理论学习。全年共组织集中学习十五次，举办专题讲座3场；" in parsed["text"]
    assert "“文化进万家”" in parsed["text"]
    assert headings(parsed["sections"], 1) == [
        "一、主要工作",
        "二、存在的问题",
        "三、2024年工作打算",
    ]
    assert headings(parsed["sections"], 2)[:2] == ["（一）加强理论学习", "（二）强化阵地管理"]
    assert parsed["problems"] == ["一是学习形式比较单一", "二是阵地巡查不够常态化"]
    assert parsed["plans"] == ["（一）创新学习方式", "（二）完善巡查制度"]
    assert_metrics(
        parsed,
        TRADITIONAL,
        [
            ("组织集中学习", 15, "次", False),
            ("举办专题讲座", 3, "场", False),
            ("活动", 40, "场", True),  # 近40场; 「文化进万家」 is a name
            ("服务群众", 1.2, "万人次", True),
            ("审核展览内容", 26, "项", False),
            ("处置不良资讯", 2, "起", False),
        ],
    )
    assert parsed["metrics"][0]["source"] == "全年共組織集中學習十五次"


PDF_TEXT = """XX 街道 2022 年 意识形态工作 情况报告

一、 工作开展情况 （一）理论武装。街道党工委 理论学习中心组全年开展集中
学习 12 次，举办“ 学习强国 ” 知识竞赛 2 场，参与党员 300 余人次。

（二）网络 阵地。 全年 发布 微信公众号 信息 156 条，处置网络舆情 4 起 。
二、 存在 问题 一是 宣传队伍力量薄弱。 二是 新媒体运用不足。
- 2 -
三、 下一步工作计划
一是 加强队伍建设。二是 提升新媒体运营水平。
"""


def test_unseen_pdf_extracted_text():
    parsed = ensure_report(parse_text(PDF_TEXT))
    assert parsed["title"] == "XX街道2022年意识形态工作情况报告"
    assert parsed["year"] == 2022
    assert parsed["script"] == "simplified"
    assert "- 2 -" in parsed["removed"]
    assert "全年开展集中学习12次，举办“学习强国”知识竞赛2场" in parsed["text"]
    assert headings(parsed["sections"], 1) == [
        "一、工作开展情况",
        "二、存在问题",
        "三、下一步工作计划",
    ]
    assert headings(parsed["sections"], 2) == ["（一）理论武装", "（二）网络阵地"]
    assert parsed["problems"] == ["一是宣传队伍力量薄弱", "二是新媒体运用不足"]
    assert parsed["plans"] == ["一是加强队伍建设", "二是提升新媒体运营水平"]
    assert_metrics(
        parsed,
        PDF_TEXT,
        [
            ("开展集中学习", 12, "次", False),
            ("知识竞赛", 2, "场", False),
            ("参与党员", 300, "人次", True),
            ("发布微信公众号信息", 156, "条", False),
            ("处置网络舆情", 4, "起", False),
        ],
    )
    # The span crosses the PDF line break and keeps the spaces of the file.
    assert parsed["metrics"][0]["source"] == "街道党工委 理论学习中心组全年开展集中\n学习 12 次"


def make_docx(paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX_PARAGRAPHS = [
    "区教育局2025年意识形态工作风险隐患排查报告",
    "",
    "一、排查开展情况",
    "（一）全面排查。组织排查学校、培训机构等阵地共86个，发现风险点7处。",
    "（二）分类处置。约谈相关负责人12人次，下发整改通知书5份。",
    "二、存在的问题",
    "（一）部分学校排查不够深入。",
    "（二）整改跟踪不够及时。",
    "三、下一步打算",
    "（一）建立常态化排查机制。",
]


def test_unseen_docx_report():
    data = make_docx(DOCX_PARAGRAPHS)
    raw = read_report("排查报告.docx", data)
    parsed = ensure_report(parse_text(raw))
    assert parsed["kind"] == ReportKind.RISK_SCREENING
    assert parsed["year"] == 2025
    assert parsed["problems"] == ["（一）部分学校排查不够深入", "（二）整改跟踪不够及时"]
    assert parsed["plans"] == ["（一）建立常态化排查机制"]
    assert_metrics(
        parsed,
        raw,
        [
            ("排查学校、培训机构等阵地", 86, "个", False),
            ("发现风险点", 7, "处", False),
            ("约谈相关负责人", 12, "人次", False),
            ("下发整改通知书", 5, "份", False),
        ],
    )


# --- input handling ---


def test_encodings_bom_and_gb18030(tmp_path):
    _path, raw = seed("001")
    for name, data in (
        ("bom.txt", b"\xef\xbb\xbf" + raw.encode()),
        ("gbk.txt", raw.encode("gb18030")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        text, parsed = parse_file(path)
        assert text.lstrip("\ufeff") == raw
        assert [m["value"] for m in parsed["metrics"]] == [15, 180, 212, 2, 200]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"  \n", "文件为空"),
        ("broken.docx", b"PK\x03\x04 not a zip", "无法读取 .docx"),
        ("report.pdf", b"%PDF-1.4", "无法读取 .pdf"),
        ("binary.txt", b"\x00\x01\x02\xff\xfe\x00", "编码"),
        ("huge.txt", "工作".encode() * 200_000, "不像一份工作报告"),
    ],
)
def test_bad_files_are_refused_in_chinese(name, data, message):
    with pytest.raises(ReportImportError, match=message):
        read_report(name, data)


@pytest.mark.parametrize("text", ["你好，世界。", "Lorem ipsum dolor sit amet " * 40, "1 2 3 4 5"])
def test_not_a_report(text):
    with pytest.raises(ReportImportError):
        ensure_report(parse_text(text))


# --- the command ---


def test_command_json(capsys):
    path, raw = seed("001")
    call_command("import_report", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(KEYS) | {"removed"} <= set(data)
    assert data["year"] == 2024 and data["script"] == "simplified"
    assert all({"activity", "value", "unit", "approx", "source"} <= set(m) for m in data["metrics"])
    assert all(m["source"] in raw for m in data["metrics"])
    assert all({"heading", "level", "children"} <= set(s) for s in data["sections"])


def test_command_docx(tmp_path, capsys):
    path = tmp_path / "报告.docx"
    path.write_bytes(make_docx(DOCX_PARAGRAPHS))
    call_command("import_report", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "区教育局2025年意识形态工作风险隐患排查报告"


@pytest.mark.parametrize("content", [None, b"", b"hello"])
def test_command_errors(tmp_path, content):
    path = tmp_path / "x.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        call_command("import_report", str(path), "--json")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


# --- never crashes; every source is a substring of the input ---

ALPHABET = st.sampled_from(
    list("一二三四五六七八九十两百千万是要次场篇人个起项余多近约超过第年月日的开展召开活动学习")
    + list('0123456789.,:;()（）、，。；：“”"《》 \n\t\r%％-')
    + [
        "(shí)",
        "识(shí)",
        "召開會議",
        "一、",
        "（一）",
        "1.",
        "(1)",
        "一是",
        "存在的问题",
        "下一步",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(ALPHABET, max_size=120).map("".join)))
def test_parser_never_crashes_and_sources_are_exact(raw):
    parsed = parse_text(raw)
    assert set(KEYS) <= set(parsed)
    for metric in parsed["metrics"]:
        assert metric["source"] in raw
        start, end = metric["span"]
        assert raw[start:end] == metric["source"]
    json.dumps(parsed, ensure_ascii=False)


BULLETIN = (
    "关于2023年度意识形态工作责任制落实情况的督查通报\r\n\r\n各镇（街道）党（工）委：\r\n"
    "一、基本情况\r\n"
    "督查组共检查单位３２个，发现问题57个，已整改到位51个，整改率89.5%。"
    "累计发布信息1,250条，群众满意度达到百分之九十五。\r\n"
    "二、主要问题\r\n（一）个别单位学习记录不规范。\r\n（二）部分单位阵地台账不健全。\r\n"
    "三、下一步要求\r\n1．各单位要在15个工作日内完成整改。\r\n2．每月至少开展1次自查。\r\n"
)


def test_unseen_bulletin_crlf_fullwidth_digits_and_percent_words():
    parsed = ensure_report(parse_text(BULLETIN))
    assert parsed["kind"] == ReportKind.INSPECTION_BULLETIN
    assert parsed["year"] == 2023
    assert "\r" not in parsed["text"]
    assert headings(parsed["sections"], 3) == [
        "1．各单位要在15个工作日内完成整改",
        "2．每月至少开展1次自查",
    ]
    assert parsed["problems"] == ["（一）个别单位学习记录不规范", "（二）部分单位阵地台账不健全"]
    assert parsed["plans"] == ["1．各单位要在15个工作日内完成整改", "2．每月至少开展1次自查"]
    assert_metrics(
        parsed,
        BULLETIN,
        [
            ("检查单位", 32, "个", False),  # full-width ３２ in the file, quoted as it is
            ("发现问题", 57, "个", False),
            ("整改到位", 51, "个", False),
            ("整改率", 89.5, "%", False),
            ("发布信息", 1250, "条", False),
            ("群众满意度", 95, "%", False),  # 百分之九十五
            ("开展自查", 1, "次", True),  # 15个工作日 is a deadline, not a count
        ],
    )
    assert parsed["metrics"][0]["source"] == "督查组共检查单位３２个"


GOV_SITE = """首页 | 工作动态 | 通知公告
XX镇2024年意识形态工作总结
【字体：大 中 小】  浏览次数：356
一.主要做法
（一） 抓学习。镇党委中心组全年集中学习12次，开展意识（shí）形态专题研讨3次，覆盖群众2万余人，发放宣传资料3000余份。
（二） 抓阵地。新建新时代文明实践站5个，同比增长25%，举办“村晚”等文化活动20余场次。
二.存在不足
一是学习形式单一，二是阵地利用率不高。
三.下步打算
继续加强理论学习。
责任编辑：张三
扫一扫在手机打开当前页
"""


def test_unseen_government_site_page():
    parsed = ensure_report(parse_text(GOV_SITE))
    assert parsed["title"] == "XX镇2024年意识形态工作总结"
    assert parsed["removed"] == [
        "首页 | 工作动态 | 通知公告",
        "【字体：大 中 小】  浏览次数：356",
        "责任编辑：张三",
        "扫一扫在手机打开当前页",
    ]
    assert headings(parsed["sections"], 1) == ["一.主要做法", "二.存在不足", "三.下步打算"]
    assert headings(parsed["sections"], 2) == ["（一）抓学习", "（二）抓阵地"]
    assert parsed["problems"] == ["一是学习形式单一", "二是阵地利用率不高"]  # 二是 after a comma
    assert parsed["plans"] == ["继续加强理论学习"]  # a plans section without items
    assert_metrics(
        parsed,
        GOV_SITE,
        [
            ("集中学习", 12, "次", False),
            ("开展意识形态专题研讨", 3, "次", False),
            ("覆盖群众", 2, "万人", True),
            ("发放宣传资料", 3000, "份", True),
            ("新建新时代文明实践站", 5, "个", False),
            ("同比增长", 25, "%", False),
            ("文化活动", 20, "场次", True),
        ],
    )
    assert parsed["metrics"][1]["source"] == "开展意识（shí）形态专题研讨3次"


def test_lone_carriage_returns_end_lines():
    _path, raw = seed("001")
    raw = raw.replace("\n", "\r")
    parsed = parse_text(raw)
    assert parsed["title"] == "局2024年意识形态工作总结"
    assert [m["value"] for m in parsed["metrics"]] == [15, 180, 212, 2, 200]
    assert all(m["source"] in raw for m in parsed["metrics"])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全年服务群众10多万人次。", ("服务群众", 10, "万人次", True)),
        ("投入资金20余万元。", ("投入资金", 20, "万元", True)),
        ("开展活动十二次。", ("开展活动", 12, "次", False)),
        ("开展宣讲1.5万余人次。", ("开展宣讲", 1.5, "万人次", True)),
        ("召开第3次会议，组织学习超过30场。", ("组织学习", 30, "场", True)),
        ("受理群众来信120件左右。", ("受理群众来信", 120, "件", True)),
    ],
)
def test_number_forms(sentence, expected):
    text = "一、工作情况\n" + sentence
    parsed = parse_text(text)
    assert_metrics(parsed, text, [expected])
