"""factory-boy factories for the platform's models."""

import datetime

import factory
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luoshi.accounts import policy
from luoshi.accounts.models import PasswordHistory, Role, User
from luoshi.channels.models import Channel, ChannelType
from luoshi.channels.services import create_channel
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.units.models import Unit, UnitType
from luoshi.units.services import create_unit

PASSWORD = "Test-pass-2026"

# The day the shared demo district (fixture ``demo_district``) is built "as of".
DEMO_TODAY = datetime.date(2026, 11, 24)

# Smallest genuine files of a few types, for evidence uploads.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_upload(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf_upload(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def unit_type(code="other"):
    return UnitType.objects.get(code=code)


def make_unit(name, code, parent=None, type_code="other", **extra):
    fields = {"name": name, "code": code, "unit_type": unit_type(type_code), **extra}
    return create_unit(parent=parent, **fields)


def make_tree(rows):
    """New units in bulk, ``rows`` = [(name, code, parent code or None, type code)], each
    parent before its children and new itself: the tree a test starts from in a handful of
    statements, numbered as treebeard numbers it (roots after the last root, siblings in
    ``(order, code)`` order), each unit with its first history row and no operation-log entry
    (making units through the pages is tested there). Returns {code: unit}."""
    types = {t.code: t for t in UnitType.objects.all()}
    last_root = Unit.objects.get_last_root_node()
    taken = {None: Unit._str2int(last_root.path) if last_root else 0}
    units = {}
    for name, code, parent, type_code in sorted(rows, key=lambda row: row[1]):
        above = units.get(parent)
        taken[parent] = taken.get(parent, 0) + 1
        units[code] = Unit(
            name=name,
            code=code,
            unit_type=types[type_code],
            depth=above.depth + 1 if above else 1,
            path=Unit._get_path(
                above.path if above else "", (above.depth if above else 0) + 1, taken[parent]
            ),
        )
        if above is not None:
            above.numchild += 1
    made = Unit.objects.bulk_create(sorted(units.values(), key=lambda unit: unit.path))
    Unit.history.bulk_history_create(made, default_date=timezone.now())
    return {unit.code: unit for unit in made}


def make_user(username, unit, *role_codes, **extra):
    return make_users([(username, unit, *role_codes)], **extra)[0]


def make_users(specs, **extra):
    """Users with roles, ``specs`` = [(username, unit, *role_codes)], as the world a test
    starts from, written in a handful of statements: each with its roles, its first history
    row (roles included) and its password remembered, and no operation-log entry for its
    making (making users through the pages is tested there)."""
    now = timezone.now()
    hashed = make_password(PASSWORD)
    users = [
        User(username=name, unit=unit, password=hashed, password_changed_at=now, **extra)
        for name, unit, *_ in specs
    ]
    User.objects.bulk_create(users)
    roles = {role.code: role.pk for role in Role.objects.all()}
    Link = User.groups.through
    links = Link.objects.bulk_create(
        Link(user_id=user.pk, group_id=roles[code])
        for user, (_name, _unit, *codes) in zip(users, specs, strict=True)
        for code in codes
    )
    rows = {row.id: row for row in User.history.bulk_history_create(users, default_date=now)}
    LinkHistory = apps.get_model("accounts", "HistoricalUser_groups")
    LinkHistory.objects.bulk_create(
        LinkHistory(
            id=link.pk, history=rows[link.user_id], user_id=link.user_id, group_id=link.group_id
        )
        for link in links
    )
    if policy.password_history_count():
        PasswordHistory.objects.bulk_create(
            PasswordHistory(user=user, password=hashed) for user in users
        )
    return users


class LedgerRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerRecord

    activity_type = factory.LazyFunction(lambda: ActivityType.objects.get(code="study_group"))
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300))
    title = factory.Sequence(lambda n: f"理论学习中心组第{n + 1}次集体学习")
    expected_participants = 12
    actual_participants = 11
    audience_count = 0
    location = "三楼会议室"
    summary = "学习贯彻党的二十届四中全会精神"
    outcome = "形成学习心得12篇"


def make_channel(
    unit, user, *, name="示范宣传", account=None, opened_on=None, interval=3, type_code="wechat"
):
    """A 阵地 of ``unit`` registered through the service by ``user``, its administrator."""
    return create_channel(
        channel=Channel(
            unit=unit,
            channel_type=ChannelType.objects.get(code=type_code),
            name=name,
            account=account or f"微信公众号：{name}",
            administrator=user,
            filing_status="not_required",
            opened_on=opened_on or timezone.localdate() - datetime.timedelta(days=30),
            check_interval_months=interval,
        ),
        user=user,
    )
