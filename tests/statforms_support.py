"""Helpers for the 统计报表 tests: a published form of five items, issued to two units."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from luoshi.statforms import services
from luoshi.statforms.forms import IssueForm
from luoshi.statforms.models import FormField, FormVersion
from tests.tasks_support import task_world

FIELDS = [
    dict(code="members", label="党员总数", kind="integer", measure="人", figure="party_members"),
    dict(code="downloads", label="下载学习强国人数", kind="integer", measure="人", figure="xxqg_downloads"),
    dict(
        code="rate", label="下载率", kind="percent", measure="%", numerator="downloads",
        denominator="members", required=False,
    ),
    dict(
        code="study", label="中心组学习次数", kind="integer", measure="次", metric_key="ledger_count",
        metric_params={"activity_type": "study_group"},
    ),
    dict(code="boards", label="宣传栏", kind="integer", measure="块", min_value=0, max_value=500),
]  # fmt: skip
RULE = ("downloads <= members", "下载人数不能超过党员总数")


def make_form(issuer, unit, *, code="ideology_q", title="意识形态工作统计表") -> FormVersion:
    form = services.create_form(unit=unit, user=issuer, code=code, title=title)
    version = form.versions.get()
    for spec in FIELDS:
        services.save_field(version=version, user=issuer, field=FormField(**spec))
    services.save_rule(version=version, user=issuer, expression=RULE[0], message=RULE[1])
    return services.publish(version=version, user=issuer)


def issue_form(world, version: FormVersion, *, units=None):
    units = units if units is not None else [world.news, world.theory]
    form = IssueForm(
        data={
            "unit": world.tree.own.pk,
            "form_version": version.pk,
            "period": f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}",
            "title": "本季度意识形态工作统计表",
            "requirements": "请按表填报。",
            "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "recipient_units": [u.pk for u in units],
        },
        user=world.issuer,
        form=version.form,
    )
    assert form.is_valid(), form.errors
    return services.issue(form=form, user=world.issuer, version=version, period=form.chosen_period)


def stat_world(tree, users):
    world = task_world(tree, users)
    version = make_form(world.issuer, tree.own)
    return SimpleNamespace(**vars(world), version=version)


GOOD = {"members": "74", "downloads": "50", "rate": "67.57", "study": "0", "boards": "12"}


def post_values(values: dict, reasons: dict | None = None, action: str = "submit") -> dict:
    data = {f"f-{code}": value for code, value in values.items()}
    data.update({f"r-{code}": text for code, text in (reasons or {}).items()})
    data["action"] = action
    return data
