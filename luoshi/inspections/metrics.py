"""整改完成率 (registered in InspectionsConfig.ready)."""

from luoshi.core.metrics import status_rate

METRICS = [
    status_rate(
        key="rectification_rate",
        label="整改完成率",
        measure_word="项",
        model="inspections.RectificationItem",
        date_field="deadline",
        date_params=("deadline_from", "deadline_to"),
        list_url="inspections:items",
        count_label="已整改销号",
        total_label="整改事项",
        description="整改期限在期内的整改事项中已销号的比例",
    ),
]
