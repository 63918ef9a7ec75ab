"""Readable field-level history from django-simple-history records: who, when, which
field, old value → new value, and the reason given for the change."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext as _

HIDDEN_FIELDS = {"version"}


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime
    user: object
    kind: str  # "+" created, "~" changed, "-" deleted
    object_label: str
    object_id: int
    reason: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {"+": _("new record"), "~": _("changed"), "-": _("deleted")}.get(self.kind, "")


def _display(record, model_field) -> str:
    value = getattr(record, model_field.attname, None)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.JSONField) and isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) or "—"
    return str(value)


def _tracked_fields(record) -> list:
    return [
        f
        for f in record.instance_type._meta.fields
        if f.name not in HIDDEN_FIELDS and hasattr(record, f.attname)
    ]


def record_changes(record, previous) -> list[FieldChange]:
    """The fields that differ between a history record and the one before it."""
    changes = []
    for model_field in _tracked_fields(record):
        new = getattr(record, model_field.attname, None)
        old = getattr(previous, model_field.attname, None) if previous is not None else None
        if previous is not None and new == old:
            continue
        if previous is None and (new is None or new == "" or new == {} or new == []):
            continue
        if isinstance(model_field, models.JSONField) and isinstance(new, dict):
            old_dict = old if isinstance(old, dict) else {}
            for key in sorted(set(new) | set(old_dict)):
                if new.get(key) != old_dict.get(key):
                    changes.append(
                        FieldChange(
                            name=f"{model_field.name}.{key}",
                            label=str(key),
                            old="—" if old_dict.get(key) in (None, "") else str(old_dict[key]),
                            new="—" if new.get(key) in (None, "") else str(new[key]),
                        )
                    )
            continue
        changes.append(
            FieldChange(
                name=model_field.name,
                label=str(model_field.verbose_name),
                old=_display(previous, model_field) if previous is not None else "—",
                new=_display(record, model_field),
            )
        )
    return changes


def history_entries(records, *, label=str, field_name: str = "") -> list[HistoryEntry]:
    """Entries for ``records`` (newest first), each diffed against the object's previous
    record. Records of one object that follow each other in ``records`` are diffed in
    memory; the oldest one of each object looks its predecessor up (one query each)."""
    records = list(records)
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    previous_of = {}
    for object_records in by_object.values():
        ordered = sorted(object_records, key=lambda r: (r.history_date, r.history_id))
        for before, after in zip(ordered, ordered[1:], strict=False):
            previous_of[after.history_id] = before
        first = ordered[0]
        previous_of[first.history_id] = first.prev_record if first.history_type != "+" else None
    entries = []
    for record in records:
        previous = previous_of.get(record.history_id)
        changes = [] if record.history_type == "-" else record_changes(record, previous)
        if field_name:
            changes = [c for c in changes if c.name.split(".")[0] == field_name.split(".")[0]]
            if not changes:
                continue
        elif record.history_type == "~" and not changes:
            continue
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                kind=record.history_type,
                object_label=label(record),
                object_id=record.id,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
