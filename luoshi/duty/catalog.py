"""The items of the responsibility packs in force: what other modules link their records to."""

from django.db.models import QuerySet

from luoshi.duty.models import Pack, PackItem


def current_items() -> QuerySet[PackItem]:
    """The items (not areas) of the newest version of each loaded pack, in pack order."""
    latest = {}
    for pack in Pack.objects.order_by("code", "version"):
        latest[pack.code] = pack.pk
    return (
        PackItem.objects.filter(pack_id__in=latest.values(), is_area=False, is_retired=False)
        .select_related("pack")
        .order_by("pack__code", "order")
    )


def item_code_choices() -> list[tuple[str, str]]:
    """(code, name) of the items in force, for a picker instead of a typed code."""
    seen, choices = set(), []
    for item in current_items():
        if item.code not in seen:
            seen.add(item.code)
            choices.append((item.code, item.name))
    return choices
