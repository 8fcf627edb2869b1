"""The report wording of the built-in activity types (the dictionary's default content): a
verb phrase the count follows (「开展理论宣讲活动」+「12场」), the measure word, the area of
work the 年度工作总结 reports it under.

An administrator edits it on the activity type (报告用语, 量词, 所属工作方面); a type they add
reaches the reports with its own wording. ``ensure_report_wording`` (after every migrate) fills
only blank fields (and the first shipped phrases), so an administrator's wording is never
overwritten.
"""

REPORT_WORDING = {
    "special_meeting": ("召开专题研究意识形态工作会议", "次", "responsibility"),
    "study_group": ("召开党委理论学习中心组学习", "次", "study"),
    "outreach_talk": ("开展理论宣讲活动", "场", "outreach"),
    "civic_practice": ("开展新时代文明实践活动", "次", "outreach"),
    "volunteer": ("开展志愿服务活动", "次", "outreach"),
    "warning_education": ("开展警示教育", "次", "study"),
    "training": ("举办意识形态专题培训", "期", "study"),
    "publicity": ("在各级媒体上稿", "篇", "opinion"),
    "analysis": ("开展意识形态领域形势分析研判", "次", "responsibility"),
    "briefing": ("通报意识形态工作情况", "次", "responsibility"),
    "report_up": ("向上级党委专题汇报意识形态工作", "次", "responsibility"),
    "duty_report": ("在班子成员述职中专项述职意识形态工作", "次", "responsibility"),
}


# The first wording shipped (noun phrases, 2026-12): replaced by the verb phrases above when
# still unchanged, so a database migrated with it reads the same as a new one.
FIRST_PHRASES = {
    "special_meeting": "专题研究意识形态工作会议",
    "study_group": "党委理论学习中心组学习",
    "outreach_talk": "理论宣讲活动",
    "civic_practice": "新时代文明实践活动",
    "volunteer": "志愿服务活动",
    "warning_education": "警示教育",
    "training": "意识形态专题培训",
    "publicity": "上稿",
    "analysis": "意识形态领域形势分析研判",
    "briefing": "意识形态工作情况通报",
    "report_up": "向上级党委专题汇报",
    "duty_report": "班子成员专项述职",
}


def ensure_report_wording(activity_type_model) -> None:
    for code, (phrase, word, area) in REPORT_WORDING.items():
        kind = activity_type_model.objects.filter(code=code).first()
        if kind is None:
            continue
        changed = []
        if not kind.report_phrase or kind.report_phrase == FIRST_PHRASES.get(code):
            kind.report_phrase, changed = phrase, [*changed, "report_phrase"]
        if not kind.report_area:
            kind.report_area, changed = area, [*changed, "report_area"]
        if kind.measure_word == "次" and word != "次":
            kind.measure_word, changed = word, [*changed, "measure_word"]
        if changed:
            kind.save(update_fields=changed)
