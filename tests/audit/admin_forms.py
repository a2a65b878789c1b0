"""An admin page's form posted back as the admin shows it, with some values changed."""

from typing import Any

from django import forms


def posted(page: Any, **changes: Any) -> dict[str, Any]:
    """What submitting ``page`` (a test client's answer, with its context) unchanged would
    post, plus ``changes`` (by posted name)."""
    assert page.status_code == 200
    context = page.context
    assert context is not None
    data = _values(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_values(formset.management_form))
        for form in formset.forms:
            data.update(_values(form))
    data.update(changes)
    return data


def _values(form: forms.BaseForm) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            parts = field.widget.decompress(value) or []
            found.update(
                {f"{key}_{n}": "" if part is None else part for n, part in enumerate(parts)}
            )
        elif isinstance(value, bool):
            if value:
                found[key] = "on"
        elif isinstance(value, list | tuple):
            found[key] = [str(item) for item in value]
        elif value is not None:
            found[key] = value
    return found
