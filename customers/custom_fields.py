"""Admin-defined custom fields on orders and customers: their form fields, validation,
display, and a small read/write helper by name (for imports, exports and the API).

Values are kept in the record's ``custom_fields`` JSON column rather than an EAV table:
entering an order costs no extra statement, the values travel with the record's history
rows (so a removed field's values stay readable there), and a list filter is one JSON key
lookup on the already-filtered rows.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _

from customers.errors import CustomFieldValueInvalid
from customers.models import CustomField

FORM_PREFIX = "cf_"


def custom_fields_for(target: str) -> list[CustomField]:
    """The fields defined for ``target`` ("order" or "customer"), in display order."""
    return list(CustomField.objects.filter(target=target).order_by("position", "pk"))


def custom_form_field(definition: CustomField) -> forms.Field:
    """The Django form field that enters one custom field."""
    common = {
        "label": definition.label,
        "required": definition.is_required,
        "help_text": definition.help_text,
    }
    kind = definition.kind
    if kind == CustomField.Kind.NUMBER:
        return forms.IntegerField(
            **common, widget=forms.NumberInput(attrs={"class": "form-control"})
        )
    if kind == CustomField.Kind.DECIMAL:
        return forms.DecimalField(
            **common,
            max_digits=18,
            decimal_places=4,
            widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
        )
    if kind == CustomField.Kind.DATE:
        return forms.DateField(
            **common, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
        )
    if kind == CustomField.Kind.YES_NO:
        if definition.is_required:
            return forms.TypedChoiceField(
                **common,
                choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
                coerce=lambda value: value == "yes",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        return forms.NullBooleanField(
            **common,
            widget=forms.Select(
                attrs={"class": "form-select"},
                choices=[("unknown", "—"), ("true", _("yes")), ("false", _("no"))],
            ),
        )
    if kind == CustomField.Kind.CHOICE:
        choices = [("", "—")] + [(choice, choice) for choice in definition.choice_list]
        return forms.ChoiceField(
            **common, choices=choices, widget=forms.Select(attrs={"class": "form-select"})
        )
    return forms.CharField(
        **common, max_length=500, widget=forms.TextInput(attrs={"class": "form-control"})
    )


def custom_form_fields(definitions: list[CustomField]) -> dict[str, forms.Field]:
    return {FORM_PREFIX + d.name: custom_form_field(d) for d in definitions}


class CustomValuesForm(forms.Form):
    """The custom fields of one target, built from their definitions."""

    def __init__(self, *args, definitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = list(definitions)
        self.fields.update(custom_form_fields(self.definitions))


def _to_json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def custom_values_from_form(definitions: list[CustomField], cleaned: dict) -> dict:
    """JSON-ready values from a form's cleaned data (empty values are left out)."""
    values = {}
    for definition in definitions:
        value = cleaned.get(FORM_PREFIX + definition.name)
        if value is None or value == "":
            continue
        values[definition.name] = _to_json(value)
    return values


def custom_form_initial(definitions: list[CustomField], stored: dict) -> dict:
    initial = {}
    for definition in definitions:
        value = (stored or {}).get(definition.name)
        if value is None:
            continue
        if definition.kind == CustomField.Kind.YES_NO and definition.is_required:
            value = "yes" if value else "no"
        initial[FORM_PREFIX + definition.name] = value
    return initial


def custom_value_display(definition: CustomField, value) -> str:
    if value is None or value == "":
        return "—"
    if definition.kind == CustomField.Kind.YES_NO:
        return _("yes") if value else _("no")
    return str(value)


def custom_values_display(definitions: list[CustomField], stored: dict) -> list[tuple[str, str]]:
    """(label, shown value) per defined field, for detail pages."""
    return [(d.label, custom_value_display(d, (stored or {}).get(d.name))) for d in definitions]


def custom_field_values_read(record, *, target: str) -> dict:
    """The record's custom values by field name (defined fields only; missing as None)."""
    stored = getattr(record, "custom_fields", None) or {}
    return {d.name: stored.get(d.name) for d in custom_fields_for(target)}


def custom_field_values_parse(
    values: dict[str, str], *, target: str, partial: bool = False
) -> dict:
    """Validate raw text values by field name (as read from a file or an API) and return
    the JSON to store. Raises CustomFieldValueInvalid naming the field; ``partial`` skips
    the required check of fields not given (an update of some fields)."""
    definitions = {d.name: d for d in custom_fields_for(target)}
    unknown = sorted(set(values) - set(definitions))
    if unknown:
        raise CustomFieldValueInvalid(field=unknown[0], detail=_("no such custom field"))
    parsed = {}
    for name, definition in definitions.items():
        if name not in values:
            if definition.is_required and not partial:
                raise CustomFieldValueInvalid(field=definition.label, detail=_("required"))
            continue
        field = custom_form_field(definition)
        raw = values[name]
        if definition.kind == CustomField.Kind.YES_NO and isinstance(raw, str):
            raw = {
                "1": "true",
                "yes": "true",
                "是": "true",
                "0": "false",
                "no": "false",
                "否": "false",
            }.get(raw.strip().lower(), raw)
            if definition.is_required:
                raw = "yes" if raw in ("true", True) else "no" if raw in ("false", False) else raw
        try:
            value = field.clean(raw)
        except forms.ValidationError as error:
            raise CustomFieldValueInvalid(
                field=definition.label, detail="; ".join(error.messages)
            ) from error
        except (InvalidOperation, ValueError) as error:
            raise CustomFieldValueInvalid(field=definition.label, detail=str(error)) from error
        if value is not None and value != "":
            parsed[name] = _to_json(value)
    return parsed


def custom_field_values_write(record, values: dict[str, str], *, target: str) -> dict:
    """Merge parsed ``values`` into the record's ``custom_fields`` (not saved; the caller's
    service saves it). Returns the new JSON."""
    merged = dict(getattr(record, "custom_fields", None) or {})
    merged.update(custom_field_values_parse(values, target=target, partial=True))
    record.custom_fields = merged
    return merged


def custom_filter_value(definition: CustomField, raw: str):
    """The stored JSON value a list filter's text stands for (None when it cannot match)."""
    raw = raw.strip()
    try:
        if definition.kind == CustomField.Kind.NUMBER:
            return int(raw)
        if definition.kind == CustomField.Kind.YES_NO:
            return raw.lower() in ("yes", "true", "1", "是")
    except ValueError:
        return None
    return raw


def custom_filters_apply(queryset, definitions: list[CustomField], query) -> tuple:
    """Filter ``queryset`` by the list's custom field inputs (``cf_<name>`` in ``query``);
    returns the queryset and {name: typed text} of the active filters."""
    active = {}
    for definition in definitions:
        raw = (query.get(FORM_PREFIX + definition.name) or "").strip()
        if not raw:
            continue
        value = custom_filter_value(definition, raw)
        if value is None:
            queryset = queryset.none()
        else:
            queryset = queryset.filter(**{f"custom_fields__{definition.name}": value})
        active[definition.name] = raw
    return queryset, active


def custom_cells(records, definitions: list[CustomField]) -> None:
    """Attach the shown values of ``definitions`` to each record, for list columns."""
    for record in records:
        stored = record.custom_fields or {}
        record.custom_cells = [
            (d.label, custom_value_display(d, stored.get(d.name))) for d in definitions
        ]
