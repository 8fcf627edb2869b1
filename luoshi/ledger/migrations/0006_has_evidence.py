"""LedgerRecord.has_evidence: at least one current evidence item, set here for existing
records (then kept by the ledger's evidence signals); the rollups are recounted after this
migration (``luoshi.core.signals.ROLLUP_MIGRATIONS``)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def fill_has_evidence(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Evidence = apps.get_model("evidence", "Evidence")
    LedgerRecord = apps.get_model("ledger", "LedgerRecord")
    content_type = ContentType.objects.filter(app_label="ledger", model="ledgerrecord").first()
    if content_type is None:  # a new database: no evidence yet
        return
    current = Evidence.objects.filter(
        content_type=content_type, object_id=OuterRef("pk"), is_current=True
    )
    LedgerRecord.objects.filter(Exists(current)).update(has_evidence=True)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_merge_wording_and_versions"),
        ("evidence", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerrecord",
            name="has_evidence",
            field=models.BooleanField(default=False, editable=False, verbose_name="有佐证"),
        ),
        migrations.RunPython(fill_has_evidence, migrations.RunPython.noop),
    ]
