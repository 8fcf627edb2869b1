"""Settings for the throughput ceiling: luoshi's own settings (same middleware, sessions,
database), plus one trivial signed-in view at ``/bench/ceiling/`` (``bench/ceiling/urls.py``).

``bench/run.py`` starts gunicorn with ``DJANGO_SETTINGS_MODULE=bench.ceiling.settings`` so the
ceiling and the pages it is compared with are served by the same server in the same run.
"""

from luoshi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling.urls"
