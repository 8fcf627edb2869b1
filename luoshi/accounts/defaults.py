"""The built-in roles (``luoshi.core.defaults.ROLES``) and the grants every module registers,
given to them by ``ensure_defaults`` (registered in ``luoshi.accounts.plugin``)."""

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions

from luoshi.accounts.models import Role
from luoshi.core import registry
from luoshi.core.defaults import ROLES, grantable_permissions, permissions_of, role_specs


def ensure_roles() -> None:
    specs = role_specs()
    for order, (code, name, scope, description, _spec) in enumerate(ROLES, start=1):
        role, created = Role.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "data_scope": scope,
                "description": description,
                "is_builtin": True,
                "order": order,
            },
        )
        if created:
            role.permissions.set(permissions_of(specs[code]))
    _ensure_module_grants(specs)


def _ensure_module_grants(specs: dict) -> None:
    """Give built-in roles each module's permissions once (see ``ModuleGrants``)."""
    # idempotent; post_migrate may not have reached these apps yet
    for app_label in registry.grantable_apps():
        create_permissions(django_apps.get_app_config(app_label), verbosity=0)
    roles = {r.code: r for r in Role.objects.filter(is_builtin=True)}
    available = list(grantable_permissions())
    for grants in registry.GRANTS:
        module = [
            p
            for p in available
            if f"{p.content_type.app_label}.{p.content_type.model}" in grants.models
        ]
        for code, spec in specs.items():
            role = roles.get(code)
            if role is None or role.permissions.filter(pk__in=[p.pk for p in module]).exists():
                continue
            role.permissions.add(*[p for p in permissions_of(spec, available) if p in module])
