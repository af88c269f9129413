"""The capture forms' widgets written in Python, with the markup of Django's own templates.

The person page shows four capture forms on every visit. Django renders every widget, and
every radio button and option of it, through a template of its own (``input.html``,
``attrs.html``, ``input_option.html``, ``select_option.html``…): forty-odd template renders,
a third of the page's rendering time. :data:`RENDERER` writes the common widgets directly,
character for character as those templates do (``tests/timeline/test_widget_html.py``
compares them), and hands anything else to Django's renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    """``input.html`` (without the newline at the end of the file)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _input_option(widget: dict[str, Any]) -> str:
    """``input_option.html`` (``radio_option.html`` and ``checkbox_option.html`` include it)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(target)}"' if target else ""
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    text = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{text}</textarea>"
    )


def _option(option: dict[str, Any]) -> str:
    """``select_option.html``, as ``select.html`` includes it (its last newline kept)."""
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != _WIDGETS + "select_option.html":
                return None  # an option of another kind: Django's templates
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **{
        _WIDGETS + name: _input
        for name in (
            "input.html",
            "text.html",
            "hidden.html",
            "date.html",
            "datetime.html",
            "checkbox.html",
            "number.html",
            "email.html",
            "url.html",
        )
    },
    _WIDGETS + "input_option.html": _input_option,
    _WIDGETS + "radio_option.html": _input_option,
    _WIDGETS + "checkbox_option.html": _input_option,
    _WIDGETS + "textarea.html": _textarea,
    _WIDGETS + "select.html": _select,
}


class PythonWidgetRenderer(BaseRenderer):
    """Django's form renderer, except for the widget templates in :data:`_WRITERS`."""

    def get_template(self, template_name: str) -> Any:
        return get_default_renderer().get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        writer = _WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        if writer is not None and isinstance(widget, dict):
            written = writer(widget)
            if written is not None:
                return mark_safe(written)  # noqa: S308 - every value escaped above
        rendered: str = get_default_renderer().render(template_name, context, request)
        return rendered


RENDERER = PythonWidgetRenderer()
