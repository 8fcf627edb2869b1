"""``{% page_link "risks:screenings" %}``: a link to a page under the menu's name for it
(``luoshi.core.navigation.page_label``), for breadcrumbs: a page has one name everywhere."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from luoshi.core.navigation import page_label

register = template.Library()


@register.simple_tag
def page_link(url_name: str) -> SafeString:
    label = page_label(url_name)
    if label is None:
        raise template.TemplateSyntaxError(f"page_link: the menu shows no page {url_name!r}")
    return format_html('<a href="{}">{}</a>', reverse(url_name), label)
