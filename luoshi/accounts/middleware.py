from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Use the signed-in user's chosen script (zh-hans / zh-hant) for every page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) if user and user.is_authenticated else None
        if language in self.available:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
