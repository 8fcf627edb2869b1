"""Django's own UI strings that its zh_Hans catalog does not translate yet, or that the
installed apps translate in different words.

Listed here so makemessages extracts them; scripts/build_locale.py supplies the text.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),
    gettext_noop("This field is required."),
]
