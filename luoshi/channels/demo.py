"""Demo channels of the demo district (called from ``luoshi.demo.district.build_demo``).

Idempotent: channels are keyed by (unit, name), checks by (channel, date); the checks of
the year are planned from fixed dates and only those up to ``today`` are added, so a later
run adds the checks whose dates have passed. Some channels lapse (their checks stop) and
show up as overdue; one old account is closed with its history kept.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.accounts.models import User
from luoshi.channels import services
from luoshi.channels.models import Channel, ChannelCheck, ChannelType
from luoshi.core.scope import in_write_scope
from luoshi.evidence.samples import sample_png as make_png

# unit code, type code, name, account, administrator username, filing status, filing number,
# opened (years ago, month), interval in months, plan (regular / lapsed / never / closed)
CHANNELS = [
    ("D02", "portal", "示范区宣传网", "http://www.sfqxc.gov.cn", "xcb_clerk", "filed",
     "ICP备19032101号-1", (7, 3), 3, "regular"),
    ("D02", "wechat", "示范宣传", "微信公众号：sfq_xuanchuan", "xcb_clerk", "filed",
     "公众号认证 2019-0418", (6, 4), 3, "regular"),
    ("D02", "weibo", "示范宣传（旧版微博）", "微博：@示范宣传", "xcb_admin", "not_required",
     "", (9, 6), 3, "closed"),
    ("D0203", "wechat", "网信示范", "微信公众号：wangxin_sfq", "xcb_clerk", "filed",
     "公众号认证 2020-1102", (5, 11), 3, "lapsed"),
    ("D06", "portal", "示范区融媒网", "http://www.sfqrm.cn", "d06_fg", "filed",
     "ICP备20015577号-2", (6, 1), 3, "regular"),
    ("D06", "video", "示范融媒（抖音号）", "抖音号：sfqrongmei", "d06_fg", "filed",
     "互联网信息服务备案 2021-0712", (4, 7), 1, "monthly"),
    ("D06", "other", "“示范之声”新闻客户端", "应用市场：示范之声", "d06_fg", "filed",
     "ICP备20015577号-3A", (3, 9), 3, "regular"),
    ("D03", "portal", "示范区教育网", "http://jyj.sfq.gov.cn", "jyj_clerk", "filed",
     "ICP备18020962号-1", (8, 5), 3, "regular"),
    ("D03", "wechat", "示范教育发布", "微信公众号：sfq_jiaoyu", "jyj_clerk", "filed",
     "公众号认证 2018-0906", (7, 9), 3, "regular"),
    ("D0301", "wechat", "示范一中", "微信公众号：sfq_yizhong", "jyj_clerk", "filed",
     "公众号认证 2019-0301", (6, 3), 3, "lapsed"),
    ("D0301", "board", "校园宣传栏（教学楼一楼大厅）", "示范区第一中学教学楼一楼", "jyj_clerk",
     "not_required", "", (10, 9), 3, "regular"),
    ("D0301", "hall", "一中报告厅", "示范区第一中学综合楼三楼", "jyj_clerk", "not_required",
     "", (0, 2), 3, "never"),
    ("D0302", "board", "校门口LED电子屏", "示范区实验小学南门", "jyj_clerk", "not_required",
     "", (3, 8), 3, "regular"),
    ("D07", "wechat", "城关发布", "微信公众号：chengguan_fabu", "cgjd_clerk", "filed",
     "公众号认证 2020-0515", (5, 5), 3, "regular"),
    ("D0701", "board", "文昌社区居务公开栏", "文昌社区党群服务中心门前", "cgjd_clerk",
     "not_required", "", (8, 4), 3, "lapsed"),
    ("D0702", "hall", "滨河社区新时代文明实践站", "滨河社区党群服务中心二楼", "cgjd_clerk",
     "not_required", "", (4, 10), 3, "regular"),
    ("D0501", "hall", "示范讲堂（区图书馆三楼报告厅）", "区图书馆三楼", "d05_fg",
     "not_required", "", (6, 6), 6, "regular"),
]  # fmt: skip

OK_FINDINGS = [
    "检查近期发布内容{n}条，均履行三审程序，未发现错误表述和不当内容。",
    "逐条核对置顶及转载内容，来源标注规范，账号认证信息在有效期内。",
    "检查内容更新、留言管理和管理员登记情况，运行正常。",
    "现场查看展示内容，主题鲜明、更新及时，无过期、破损内容。",
]
PROBLEM_FINDINGS = [
    ("发现1篇转载稿件未注明来源。", "已补注来源，并在编辑部例会上重申转载规范。"),
    ("发现部分展示内容已过期，未及时更换。", "已于次日更换为最新内容，明确专人每月巡查。"),
    ("发现账号管理员变更后未及时登记。", "已更新管理员信息，修改登录密码并开启二次验证。"),
]


def _check_dates(plan, interval, year, opened: datetime.date, rng) -> list[datetime.date]:
    """The check dates of this and last year for a plan (before ``today`` filtering)."""
    if plan == "never":
        return []
    if plan == "monthly":
        months = [(year - 1, 12)] + [(year, m) for m in range(1, 13)]
    elif plan == "lapsed":
        months = [(year - 1, 12), (year, 3)]
    elif interval == 6:
        months = [(year - 1, 11), (year, 5), (year, 11)]
    else:
        months = [(year - 1, 12), (year, 3), (year, 6), (year, 9), (year, 12)]
    days = [datetime.date(y, m, rng.randint(5, 25)) for y, m in months]
    return [d for d in days if d > opened]


def ensure_channels(*, today, units, logins, added) -> None:
    for key in ("channels", "channel_checks"):
        added.setdefault(key, 0)
    year = today.year
    types = {t.code: t for t in ChannelType.objects.all()}
    usernames = {row[4] for row in CHANNELS}
    people = {**{u.username: u for u in User.objects.filter(username__in=usernames)}, **logins}
    closer = logins.get("xcb_admin") or logins["admin"]
    existing = {(c.unit_id, c.name): c for c in Channel.objects.filter(unit__in=units.values())}
    for index, row in enumerate(CHANNELS):
        code, type_code, name, account, admin_name, filing, number, opened, interval, plan = row
        rng = random.Random(f"channel-{index}")
        unit = units[code]
        administrator = people.get(admin_name) or logins["admin"]
        years_ago, month = opened
        opened_on = datetime.date(year - years_ago, month, rng.randint(1, 28))
        if opened_on > today:
            continue
        channel = existing.get((unit.pk, name))
        if channel is None:
            channel = services.create_channel(
                channel=Channel(
                    unit=unit,
                    channel_type=types[type_code],
                    name=name,
                    account=account,
                    administrator=administrator,
                    filing_status=filing,
                    filing_number=number,
                    opened_on=opened_on,
                    check_interval_months=interval,
                ),
                user=administrator,
            )
            added["channels"] += 1
        if not channel.is_active:
            continue
        done = set(channel.checks.values_list("checked_on", flat=True))
        for day in _check_dates(plan, interval, year, opened_on, rng):
            # Drawn before anything is skipped, so every run plans the same checks.
            problem = rng.random() < 0.2
            findings, rectification = rng.choice(PROBLEM_FINDINGS)
            ok_findings = rng.choice(OK_FINDINGS).format(n=rng.randint(12, 60))
            if not problem:
                findings, rectification = ok_findings, ""
            if day > today or day in done or (plan == "closed" and day.year == year):
                continue
            upload = SimpleUploadedFile(
                f"{day:%Y%m%d}_检查截图.png",
                make_png(f"{code}|{name}|{day}"),
                content_type="image/png",
            )
            services.record_check(
                channel=channel,
                # recorded by someone who may write the channel's unit (its evidence)
                user=administrator if in_write_scope(administrator, channel) else logins["admin"],
                checked_on=day,
                checker=administrator,
                result="problems" if problem else "ok",
                findings=findings,
                rectification=rectification,
                files=[upload],
            )
            added["channel_checks"] += 1
            added["evidence"] += 1
        if plan == "closed" and ChannelCheck.objects.filter(channel=channel).exists():
            services.close_channel(
                channel=channel,
                user=closer,
                reason="该微博账号长期停更，内容已整合至“示范宣传”微信公众号，经部务会研究予以关闭。",
                closed_on=min(today, datetime.date(year, 1, 20)),
            )
