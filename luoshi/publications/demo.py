"""Demo publications of 融媒体中心 and 宣传部 (called from ``luoshi.demo.district.build_demo``).

Idempotent: keyed by (unit, title). Each item goes through the real three-step flow with
the demo reviewers, then its signed steps are dated as they happened relative to ``today``.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from luoshi.channels.models import Channel
from luoshi.core.dates import local_moment
from luoshi.core.history import written_by
from luoshi.core.workflow import WorkflowStep
from luoshi.events.demo import ensure_users
from luoshi.publications import services
from luoshi.publications.models import Publication

EXTRA_LOGINS = [
    ("xcb_reviewer", "曾晓燕", "宣传部新闻科审核员", "D02", "reviewer"),
    ("rmt_clerk", "唐一鸣", "融媒体中心编辑", "D06", "clerk"),
    ("rmt_reviewer", "许佳琪", "融媒体中心责任编辑", "D06", "reviewer"),
    ("rmt_leader", "彭宏伟", "融媒体中心副主任、总编辑", "D06", "leader"),
]

# unit, author, title, channel, body, day offset (of submission), stage
ITEMS = [
    ("D06", "rmt_clerk", "我区召开2026年意识形态工作会议", "示范融媒微信公众号",
     "会议传达学习上级关于意识形态工作的部署要求，总结去年工作，安排今年重点任务。", -60, "published"),
    ("D06", "rmt_clerk", "“百姓宣讲”走进文昌社区", "示范之声新闻客户端",
     "区百姓宣讲团走进文昌社区，用身边事讲清大道理。", -45, "published"),
    ("D06", "rmt_clerk", "示范区新时代文明实践志愿服务月启动", "示范融媒（抖音号）",
     "志愿服务月期间将开展理论宣讲、文明交通、环境整治等活动120余场。", -30, "published"),
    ("D06", "rmt_clerk", "区人民医院开展“健康进万家”义诊活动", "示范区融媒网",
     "组织内科、儿科等科室专家走进社区开展义诊。", -18, "published"),
    ("D06", "rmt_clerk", "东山镇柳树湾村：产业兴旺带来好日子", "示范融媒微信公众号",
     "柳树湾村发展特色种植，带动村民增收。", -3, "second"),
    ("D06", "rmt_clerk", "青石镇河口村移风易俗见闻", "示范之声新闻客户端",
     "河口村修订村规民约，倡导婚事新办、丧事简办。", -5, "returned"),
    ("D06", "rmt_clerk", "南湖街道开展消夏文艺晚会", "示范融媒微信公众号",
     "", -1, "draft"),
    ("D06", "rmt_clerk", "区图书馆“示范讲堂”第十二期开讲", "示范区融媒网",
     "本期讲堂邀请文史专家讲述本地红色文化。", -2, "approved"),
    ("D02", "xcb_clerk", "示范区召开理论学习中心组专题学习会", "示范宣传微信公众号",
     "区委理论学习中心组围绕全会精神开展专题学习研讨。", -50, "published"),
    ("D02", "xcb_clerk", "我区举办新时代网络文明建设研讨会", "示范区宣传网",
     "来自6家单位的代表交流网络文明建设经验。", -11, "published"),
    ("D02", "xcb_clerk", "关于开展2026年度意识形态工作责任制检查考核的通知", "示范区宣传网",
     "根据年度工作安排，定于下月开展意识形态工作责任制检查考核。", -2, "first"),
    ("D02", "xcb_clerk", "“铸牢中华民族共同体意识”专题讲座即将举办", "示范宣传微信公众号",
     "讲座面向机关党员干部，欢迎报名参加。", -1, "final"),
]  # fmt: skip

RETURN_COMMENT = "“移风易俗”数据需核实来源，第二段表述请规范后重新送审。"
STAGES = ["first", "second", "final", "approved", "published"]
URLS = {
    "示范融媒微信公众号": "https://mp.weixin.qq.com/s/sfqrm-{n}",
    "示范宣传微信公众号": "https://mp.weixin.qq.com/s/sfqxc-{n}",
    "示范之声新闻客户端": "http://app.sfqrm.cn/news/{n}",
    "示范融媒（抖音号）": "https://www.douyin.com/video/7{n:012d}",
    "示范区融媒网": "http://www.sfqrm.cn/news/{n}.html",
    "示范区宣传网": "http://www.sfqxc.gov.cn/xwzx/{n}.html",
}


def _reviewers(unit_code, people):
    """Who takes 初审 / 复审 / 终审 in each unit of the demo."""
    if unit_code == "D06":
        return [people["rmt_reviewer"], people["reviewer"], people["rmt_leader"]]
    return [people["xcb_reviewer"], people["reviewer"], people["xcb_leader"]]


def _date_steps(item, submitted):
    offsets = [0, 3, 9, 26, 30]  # hours after submission: 送审, 初审, 复审, 终审, 发布
    steps = WorkflowStep.objects.filter(
        content_type=ContentType.objects.get_for_model(Publication), object_id=item.pk
    ).order_by("at", "id")
    now = timezone.now()
    for index, step in enumerate(steps):
        moment = min(submitted + datetime.timedelta(hours=offsets[min(index, 4)]), now)
        WorkflowStep.objects.filter(pk=step.pk).update(at=moment)
        if step.transition == "submit":
            Publication.objects.filter(pk=item.pk).update(submitted_at=moment)
        if step.transition == "publish":
            Publication.objects.filter(pk=item.pk).update(published_at=moment)


def ensure_publications(*, today, units, logins, added) -> None:
    added.setdefault("publications", 0)
    people = ensure_users(EXTRA_LOGINS, units, logins, added)
    existing = set(
        Publication.objects.filter(unit__in=units.values()).values_list("unit_id", "title")
    )
    for number, (code, author_name, title, channel, body, days, stage) in enumerate(ITEMS):
        unit, author = units[code], people[author_name]
        if (unit.pk, title) in existing:
            continue
        item = Publication(
            unit=unit,
            author=author,
            created_by=author,
            title=title,
            # the unit's registered channel of that name, when there is one
            channel=Channel.objects.filter(unit=unit, name=channel).first(),
            channel_name=channel,
            body=body,
        )
        written_by(item, author)
        item.save()
        added["publications"] += 1
        if stage == "draft":
            continue
        services.submit(item=item, user=author)
        first, second, final = _reviewers(code, people)
        if stage == "returned":
            services.review(item=item, user=first, step="first", approve=True)
            services.review(
                item=item, user=second, step="second", approve=False, comment=RETURN_COMMENT
            )
        else:
            reviewers = {"first": first, "second": second, "final": final}
            for step in STAGES[: STAGES.index(stage)]:
                if step in reviewers:
                    services.review(
                        item=item, user=reviewers[step], step=step, approve=True, comment="同意"
                    )
            if stage == "published":
                url = URLS[channel].format(n=20260000 + number * 37)
                services.publish(item=item, user=author, url=url)
        submitted = local_moment(today + datetime.timedelta(days=days), datetime.time(9, 30))
        _date_steps(item, submitted)
