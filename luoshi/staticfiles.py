"""collectstatic for production: run once at install/upgrade time (never at service start),
without what no page loads — source maps (``*.map``: megabytes that the manifest storage would
hash and compress) and the static files of apps whose pages luoshi does not serve (DRF's
browsable API: the API renders JSON only)."""

from django.contrib.staticfiles.apps import StaticFilesConfig
from django.contrib.staticfiles.finders import AppDirectoriesFinder
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Apps installed for their Python code only; their static/ folders are not collected.
APPS_WITHOUT_STATIC = frozenset({"rest_framework"})


class LuoshiStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "*.map"]


class UsedAppsFinder(AppDirectoriesFinder):
    """``AppDirectoriesFinder`` minus APPS_WITHOUT_STATIC."""

    def __init__(self, app_names=None, *args, **kwargs):
        super().__init__(app_names, *args, **kwargs)
        for label in APPS_WITHOUT_STATIC:
            self.storages.pop(label, None)
            if label in self.apps:
                self.apps.remove(label)


def _without_source_maps(patterns):
    return tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for extension, rules in patterns
    )


class ManifestStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files. ``sourceMappingURL`` comments are left as they are:
    the maps are not collected, and a browser without them only loses its debugger view.
    Only the hashed copies are kept (and compressed): every page asks for the hashed name
    (``{% static %}`` through the manifest), so compressing the unhashed twin was half of the
    work for nothing."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
    keep_only_hashed_files = True
