"""``manage.py check``: the unified-login configuration (docs/unified-login.md)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from luoshi.accounts import directory


@checks.register(checks.Tags.security)
def check_directory_mapping(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A directory login without a readable mapping lets nobody in: say so at start."""
    directory_on = bool(settings.LDAP_SERVER_URI or settings.OIDC_RP_CLIENT_ID)
    if not settings.DIRECTORY_MAPPING_FILE:
        if not directory_on:
            return []
        return [
            checks.Warning(
                "LDAP_SERVER_URI or OIDC_RP_CLIENT_ID is set but DIRECTORY_MAPPING_FILE is not: "
                "no directory user can sign in.",
                hint="See docs/unified-login.md (the mapping of directory groups).",
                id="luoshi.W101",
            )
        ]
    try:
        rules = directory.load_rules()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="luoshi.E101")]
    if not rules:
        return [checks.Warning("DIRECTORY_MAPPING_FILE maps no group.", id="luoshi.W102")]
    return []
