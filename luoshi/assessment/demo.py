"""Demo hook: a computed 考核 of the demo district's direct units for the current year.

Called at the end of ``luoshi.demo.district.build_demo``. Idempotent: the assessment is created
once; a later run recomputes it (unless published), which replaces the automatic scores and
adds no rows. It stays unpublished so that the demo can walk through review and publish;
items without an automatic indicator wait for a manual score.
"""

from luoshi.assessment import services
from luoshi.assessment.models import Assessment
from luoshi.duty.selectors import latest_pack
from luoshi.duty.services import ensure_default_pack


def ensure_assessment(*, today, units, logins, added) -> None:
    added.setdefault("assessments", 0)
    root = units.get("D00")
    admin = logins.get("admin")
    if root is None or admin is None:
        return
    pack = latest_pack() or ensure_default_pack()
    assessment = Assessment.objects.filter(unit=root, year=today.year, pack__code=pack.code).first()
    if assessment is None:
        root.refresh_from_db()
        assessment = services.create_assessment(unit=root, year=today.year, pack=pack, user=admin)
        added["assessments"] += 1
    if not assessment.is_published:
        services.compute(assessment=assessment, user=admin)
