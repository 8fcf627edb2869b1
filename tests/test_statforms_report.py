"""A generated 专题报告 of a 街道 states 「全街道下载使用“学习强国”学习平台的党员…人，占党员总数…%」 from the
accepted statistics form values, with a link that opens them (and from there the submission)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.reports.engine import generate
from luoshi.reports.models import ReportKind
from luoshi.statforms import services
from luoshi.statforms.forms import IssueForm
from luoshi.tasks.models import TaskAssignment
from tests.factories import LedgerRecordFactory, make_unit, make_user
from tests.statforms_support import GOOD, make_form


@pytest.fixture
def street_task(tree):
    street = make_unit("城关街道", "T3", parent=tree.root, type_code="street")
    tree.root.refresh_from_db()
    issuer = make_user("root_admin", tree.root, "unit_admin")
    clerk = make_user("street_clerk", street, "clerk")
    version = make_form(issuer, tree.root)
    form = IssueForm(
        data={
            "unit": tree.root.pk,
            "form_version": version.pk,
            "period": f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}",
            "title": "意识形态工作统计表",
            "requirements": "请按表填报。",
            "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "recipient_units": [street.pk],
        },
        user=issuer,
        form=version.form,
    )
    assert form.is_valid(), form.errors
    form_task = services.issue(form=form, user=issuer, version=version, period=form.chosen_period)
    assignment = TaskAssignment.objects.get(task=form_task.task)
    submission = services.ensure_submission(assignment, clerk)
    services.submit(submission=submission, user=clerk, values=GOOD, reasons={})
    return street, issuer, submission


def _report(street, user):
    draft = generate(
        street, timezone.localdate().year, ReportKind.SPECIAL_REPORT, user=user, subtree=True
    )
    text = "\n".join(s["text"] for s in draft.content["sections"])
    return draft, text


def test_the_special_report_of_a_street_states_accepted_downloads_and_share(client, street_task):
    street, issuer, submission = street_task
    _draft, text = _report(street, issuer)
    assert "学习强国" not in text  # submitted but not accepted: nothing is stated
    services.accept(submission=submission, user=issuer)
    draft, text = _report(street, issuer)
    assert "全街道下载使用“学习强国”学习平台的党员50人，占党员总数67.6%。" in text
    assert (
        "季度末，全街道下载使用“学习强国”学习平台的党员" in text
    )  # a stock: as of the quarter it was reported for
    assert "据各期统计表" not in text  # provenance is the 数据核对 panel's, not the body's
    fact = draft.facts["statform:xxqg_downloads"]
    client.force_login(issuer)
    listed = client.get(fact["url"])
    assert [v.submission for v in listed.context["object_list"]] == [submission]
    assert (
        reverse("statforms:submission", args=[submission.assignment_id]) in listed.content.decode()
    )


def test_a_bureau_report_says_nothing_of_it(street_task, tree):
    street, issuer, submission = street_task
    services.accept(submission=submission, user=issuer)
    LedgerRecordFactory(unit=tree.sibling, date=timezone.localdate())  # a year with records
    _draft, text = _report(tree.sibling, issuer)
    assert "理论学习" in text
    assert "学习强国" not in text
