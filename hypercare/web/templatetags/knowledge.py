"""An article's Markdown as HTML on a page, and a search hit's snippet."""

from django import template
from django.utils.safestring import SafeString

from hypercare.knowledge.selectors import highlighted
from hypercare.lib.markdown import rendered_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    # rendered_markdown escapes raw HTML and nh3 sanitises the rest: safe to show as it is.
    return SafeString(rendered_markdown(text))


@register.filter
def snippet(text: str) -> SafeString:
    return highlighted(text)
