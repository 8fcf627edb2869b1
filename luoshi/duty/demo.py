"""Demo hook: the current year's duty lists of the demo district's top two levels.

Called at the end of ``luoshi.demo.district.build_demo``; idempotent like the rest of the demo
(``generate_duty_list`` returns an existing list as it is). Items fed by the ledger then show
the demo's records as real progress.
"""

from luoshi.duty.models import DutyList
from luoshi.duty.selectors import latest_pack
from luoshi.duty.services import ensure_default_pack, generate_duty_list


def ensure_duty_lists(*, today, units, logins, added) -> None:
    pack = latest_pack() or ensure_default_pack()
    creator = logins.get("xcb_admin")
    added.setdefault("duty_lists", 0)
    for unit in sorted(units.values(), key=lambda u: u.path):
        if unit.depth > 2:
            continue
        exists = DutyList.objects.filter(unit=unit, year=today.year, pack_code=pack.code).exists()
        generate_duty_list(unit=unit, year=today.year, pack=pack, user=creator)
        added["duty_lists"] += 0 if exists else 1
