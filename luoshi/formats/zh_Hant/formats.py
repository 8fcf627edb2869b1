"""Number formats of the product's languages: figures grouped by thousands with 「,」 as in
official documents and statistics tables (Django's zh_Hans format groups by 4 without a
separator). Only ``|intcomma`` groups: ``USE_THOUSAND_SEPARATOR`` stays off, so years and
ids are never grouped."""

from django.conf.locale.zh_Hant.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
