"""The one-time token every posted form carries (core.submissions)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.submissions import SUBMISSION_FIELD, new_submission_token

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    """A hidden field with a fresh one-time token: put it beside `{% csrf_token %}` in a
    hand-written `<form method="post">` (crispy forms draw it themselves)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, new_submission_token()
    )
