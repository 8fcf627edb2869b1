"""Unified login: the unit and roles a directory user gets from their directory groups.

One mapping serves both directories (docs/unified-login.md):

* LDAP / Active Directory (``backends.LuoshiLDAPBackend``): the DNs of the user's groups;
* OIDC 统一身份认证 (``backends.LuoshiOIDCBackend``): the values of one claim (a list of
  group names or organisation codes, ``OIDC_GROUPS_CLAIM``).

It is a YAML file named by ``DIRECTORY_MAPPING_FILE``::

    groups:
      "cn=xcb-clerks,ou=groups,dc=example,dc=gov,dc=cn":   # a group DN or a claim value
        unit: "T1"                    # luoshi unit code (may be left out)
        roles: [clerk]                # role codes (角色编码)

The user's roles are the union of the roles of every matching entry; the unit is the one
of the first matching entry (in file order) that names one. A directory user none of whose
groups is mapped cannot sign in. Each sign-in sets the unit and roles again: the directory
is where they are managed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role, User
from luoshi.units.models import Unit

logger = logging.getLogger(__name__)

REFUSAL_ATTRIBUTE = "luoshi_directory_refusal"


@dataclass(frozen=True)
class GroupRule:
    """One entry of the mapping: a directory group and what it gives."""

    group: str
    unit_code: str
    role_codes: tuple[str, ...]


@dataclass(frozen=True)
class DirectoryAccess:
    unit: Unit
    roles: list[Role]


class Refused(Exception):
    """The directory knows the user, but luoshi lets them not in (message in Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalize(group: str) -> str:
    """Group names compare like LDAP DNs: case and spaces around commas do not count."""
    return re.sub(r"\s*,\s*", ",", str(group).strip()).casefold()


_cache: dict[tuple[str, float], list[GroupRule]] = {}


def load_rules() -> list[GroupRule]:
    """The mapping file's entries (read again whenever the file changes)."""
    name = getattr(settings, "DIRECTORY_MAPPING_FILE", "")
    if not name:
        return []
    path = Path(name)
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as error:
        raise ImproperlyConfigured(f"DIRECTORY_MAPPING_FILE {path}: {error}") from error
    if key not in _cache:
        _cache.clear()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(f"DIRECTORY_MAPPING_FILE {path}: {error}") from error
        _cache[key] = parse_rules(data)
    return _cache[key]


def parse_rules(data) -> list[GroupRule]:
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        raise ImproperlyConfigured("DIRECTORY_MAPPING_FILE: a mapping 'groups:' is required")
    rules = []
    for group, entry in groups.items():
        entry = entry or {}
        roles = entry.get("roles") or [] if isinstance(entry, dict) else None
        if not isinstance(roles, list):
            raise ImproperlyConfigured(f"DIRECTORY_MAPPING_FILE: bad entry for {group!r}")
        unit = entry.get("unit")
        rules.append(
            GroupRule(normalize(group), "" if unit is None else str(unit), tuple(map(str, roles)))
        )
    return rules


def access_for(groups: Iterable[str]) -> DirectoryAccess:
    """The unit and roles the directory ``groups`` give; ``Refused`` when they give none."""
    held = {normalize(group) for group in groups}
    matched = [rule for rule in load_rules() if rule.group in held]
    if not matched:
        raise Refused(
            _("您的统一身份账号未分配本系统的单位与角色（所在目录分组未配置），请联系系统管理员。")
        )
    unit_code = next((rule.unit_code for rule in matched if rule.unit_code), "")
    role_codes = list(dict.fromkeys(code for rule in matched for code in rule.role_codes))
    unit = Unit.objects.filter(code=unit_code, is_active=True).first() if unit_code else None
    roles = list(Role.objects.filter(code__in=role_codes))
    missing = sorted(set(role_codes) - {role.code for role in roles})
    if unit is None or missing or not roles:
        logger.warning(
            "directory mapping for %s: unit %r (found: %s), unknown roles %s",
            sorted(held),
            unit_code,
            unit is not None,
            missing,
        )
        raise Refused(
            _("您所在目录分组对应的单位或角色在本系统中不存在或已停用，请联系系统管理员。")
        )
    return DirectoryAccess(unit=unit, roles=roles)


def may_link(user: User) -> bool:
    """A directory sign-in may take over an existing account of the same username, but
    never a superuser's (they keep their local password) nor a deactivated one."""
    return user.pk is None or (user.is_active and not user.is_superuser)


@transaction.atomic
def apply(user: User, access: DirectoryAccess, source: str, *, dirty: bool = False) -> User:
    """Give ``user`` (created, linked or returning) the unit and roles of ``access``.
    The password stays in the directory: none is kept here. ``dirty``: the caller changed
    other fields (name, e-mail) that must be saved."""
    changed = (
        dirty
        or user.pk is None
        or user.unit_id != access.unit.pk
        or user.auth_source != source
        or user.must_change_password
        or user.has_usable_password()
        or not user.password
    )
    user.unit = access.unit
    user.auth_source = source
    user.must_change_password = False
    if user.has_usable_password() or not user.password:
        user.set_unusable_password()
    if changed:  # a returning user with nothing new is not saved (no history row)
        user.save()
    current = set(user.groups.values_list("pk", flat=True))
    if current != {role.pk for role in access.roles}:
        user.groups.set(access.roles)
    return user


def note_refusal(request, message: str) -> None:
    """Remember why the directory sign-in of this request was refused (the login form or
    page shows it instead of 「用户名或密码错误」)."""
    if request is not None:
        setattr(request, REFUSAL_ATTRIBUTE, message)


def refusal(request) -> str:
    return getattr(request, REFUSAL_ATTRIBUTE, "") if request is not None else ""
