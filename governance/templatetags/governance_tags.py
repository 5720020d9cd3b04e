"""Template helpers of the core UI shell."""

from django import template

from governance.registry import audit_action_label

register = template.Library()


@register.filter
def audit_label(code: str) -> str:
    """``filing.submit`` → 提交备案: the translated label of an audit action (never the raw code)."""
    return audit_action_label(code or "")
