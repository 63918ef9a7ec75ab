"""Checks for uploaded files (order imports, bank statements, attachments).

Use in a form's clean_<field>: `return upload_check(self.cleaned_data["file"],
kinds={"csv", "xlsx"})`. Size over OPMS_UPLOAD_MAX_BYTES, an extension outside `kinds`, or
content that does not look like the kind it claims is refused before anything reads it.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What the first bytes of each kind look like (None: text, checked for NUL bytes instead).
SIGNATURES = {
    "xlsx": b"PK\x03\x04",
    "pdf": b"%PDF-",
    "png": b"\x89PNG",
    "jpg": b"\xff\xd8\xff",
    "csv": None,
    "txt": None,
}


def upload_check(upload, *, kinds: set[str]):
    limit = settings.OPMS_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            code="upload_too_large",
            params={"limit": limit // (1024 * 1024)},
        )
    kind = Path(upload.name).suffix.lower().lstrip(".")
    kind = "jpg" if kind == "jpeg" else kind
    if kind not in kinds or kind not in SIGNATURES:
        raise ValidationError(
            _("Only these kinds of file are accepted: %(kinds)s."),
            code="upload_kind",
            params={"kinds": ", ".join(sorted(kinds))},
        )
    head = upload.read(2048)
    upload.seek(0)
    signature = SIGNATURES[kind]
    looks_right = b"\x00" not in head if signature is None else head.startswith(signature)
    if not looks_right:
        raise ValidationError(
            _("The file's content is not a %(kind)s file."),
            code="upload_content",
            params={"kind": kind.upper()},
        )
    return upload
