from django import template

from documents.formats import FORMATS

register = template.Library()


@register.simple_tag
def document_formats():
    """The registered formats, each with whether the server can make it now."""
    return [(fmt, fmt.available()) for fmt in FORMATS.values()]
