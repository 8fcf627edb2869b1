"""Generate a synthetic data set for benchmarks.

    manage.py generate_scale --units 20000 --records 5000000            # full scale
    manage.py generate_scale --units 2000 --records 500000               # small (SQLite)
    manage.py generate_scale --preset full|small [--json FILE]

Users, evidence, task recipients and the other modules follow ``PROPORTIONS`` in
``luoshi.demo.scale`` unless given explicitly. A new root unit holds the tree, so the
command can run on a database that already has the demo district.
"""

import json

from django.core.management.base import BaseCommand

from luoshi.demo.scale import ScalePlan, generate

PRESETS = {
    "full": {
        "units": 20_000,
        "records": 5_000_000,
        "users": 100_000,
        "evidence": 1_000_000,
        "recipients": 200_000,
    },
    "small": {
        "units": 2_000,
        "records": 500_000,
        "users": 10_000,
        "evidence": 100_000,
        "recipients": 20_000,
    },
}


class Command(BaseCommand):
    help = "生成规模测试数据（单位树、用户、各模块记录），批量写入"

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS))
        parser.add_argument("--units", type=int)
        parser.add_argument("--records", type=int)
        parser.add_argument("--users", type=int)
        parser.add_argument("--evidence", type=int)
        parser.add_argument("--recipients", type=int)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--json", help="write the summary (accounts, ids, timings) here")

    def handle(self, *args, **opts):
        values = dict(PRESETS.get(opts["preset"] or "", {}))
        for key in ("units", "records", "users", "evidence", "recipients"):
            if opts[key] is not None:
                values[key] = opts[key]
        plan = ScalePlan(seed=opts["seed"], **values)
        summary = generate(plan, log=self.stdout.write)
        text = json.dumps(summary, ensure_ascii=False, indent=2)
        if opts["json"]:
            with open(opts["json"], "w", encoding="utf-8") as fh:
                fh.write(text)
        self.stdout.write(text)
