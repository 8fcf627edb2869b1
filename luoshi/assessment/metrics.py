"""待评分 and 手工评分 (registered in AssessmentConfig.ready).

A score is 待评分 when it is assessed (not 不考核) and has neither an automatic nor a manual
score: publishing waits for it. Each number opens the 考核得分 list of exactly those scores.
A score belongs to the period its assessment's year falls in.
"""

from luoshi.assessment.models import AssessmentScore, ScoreSource, source_q
from luoshi.core.metrics import Metric, Narrow, years_between


def _pending(params):
    """The scores waiting for a manual score."""
    return AssessmentScore.objects.filter(source_q(ScoreSource.PENDING))


def _manual(params):
    """The scores an evaluator gave by hand (with a reason), in place of the automatic one."""
    return AssessmentScore.objects.filter(source_q(ScoreSource.MANUAL))


def _of_source(source: str):
    """A metric's ``filters``: the 考核得分 list of the scores given by ``source``."""

    def filters(params, start, end) -> dict:
        query = {"source": source}
        if start is not None:
            query["year_from"] = start.year
        if end is not None:
            query["year_to"] = end.year
        return query

    return filters


# one assessment's; one target unit's own
SCORE_NARROWS = (Narrow("assessment", "assessment_id"), Narrow("unit", "unit_id", "target"))


METRICS = [
    Metric(
        key="assessment_pending",
        label="待评分",
        measure_word="项",
        records=_pending,
        in_period=years_between("assessment__year"),
        list_url="assessment:scores",
        filters=_of_source(ScoreSource.PENDING.value),
        narrows=SCORE_NARROWS,
        description="考核年度在期内、需考核而尚无自动得分也无手工评分的考核指标（参数 "
        "assessment：某次考核；unit：某被考核单位）",
    ),
    Metric(
        key="assessment_manual",
        label="手工评分",
        measure_word="项",
        records=_manual,
        in_period=years_between("assessment__year"),
        list_url="assessment:scores",
        filters=_of_source(ScoreSource.MANUAL.value),
        narrows=SCORE_NARROWS,
        description="考核年度在期内、需考核且由评分人手工评分（须填理由）的考核指标（参数 "
        "assessment：某次考核；unit：某被考核单位）",
    ),
]
