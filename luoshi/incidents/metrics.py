"""舆情办结率 (registered in IncidentsConfig.ready)."""

from luoshi.core.metrics import status_rate

METRICS = [
    status_rate(
        key="incident_closure_rate",
        label="舆情办结率",
        measure_word="起",
        model="incidents.Incident",
        date_field="discovered_at__date",
        date_params=("discovered_from", "discovered_to"),
        list_url="incidents:list",
        count_label="已办结",
        total_label="登记舆情",
        description="发现日期在期内的舆情事件中已办结的比例",
    ),
]
