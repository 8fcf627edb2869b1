"""The report wording of the built-in activity types (the dictionary's default content).

An administrator edits it on the activity type (报告用语, 量词, 所属工作方面); a type they add
reaches the reports with its own wording. ``ensure_report_wording`` fills only blank fields,
so an administrator's wording is never overwritten.
"""

REPORT_WORDING = {
    "special_meeting": ("专题研究意识形态工作会议", "次", "responsibility"),
    "study_group": ("党委理论学习中心组学习", "次", "study"),
    "outreach_talk": ("理论宣讲活动", "场", "outreach"),
    "civic_practice": ("新时代文明实践活动", "次", "outreach"),
    "volunteer": ("志愿服务活动", "次", "outreach"),
    "warning_education": ("警示教育", "次", "study"),
    "training": ("意识形态专题培训", "期", "study"),
    "publicity": ("上稿", "篇", "opinion"),
    "analysis": ("意识形态领域形势分析研判", "次", "responsibility"),
    "briefing": ("意识形态工作情况通报", "次", "responsibility"),
    "report_up": ("向上级党委专题汇报", "次", "responsibility"),
    "duty_report": ("班子成员专项述职", "次", "responsibility"),
}


def ensure_report_wording(activity_type_model) -> None:
    for code, (phrase, word, area) in REPORT_WORDING.items():
        kind = activity_type_model.objects.filter(code=code).first()
        if kind is None:
            continue
        changed = []
        if not kind.report_phrase:
            kind.report_phrase, changed = phrase, [*changed, "report_phrase"]
        if not kind.report_area:
            kind.report_area, changed = area, [*changed, "report_area"]
        if kind.measure_word == "次" and word != "次":
            kind.measure_word, changed = word, [*changed, "measure_word"]
        if changed:
            kind.save(update_fields=changed)
