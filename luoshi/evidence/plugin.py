"""What the evidence app adds to core (luoshi.core.registry): its files in every backup."""

from luoshi.core.registry import BackupPart, backup_part
from luoshi.evidence import backup

backup_part(
    BackupPart("evidence", "佐证材料", save=backup.save, restore=backup.restore, where=backup.where)
)
