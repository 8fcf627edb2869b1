"""What 用户与角色 plugs into core: the built-in roles, made by ``ensure_defaults``."""

from luoshi.core import registry


def _ensure_roles() -> None:
    from luoshi.accounts.defaults import ensure_roles

    ensure_roles()


registry.defaults_step(_ensure_roles)
