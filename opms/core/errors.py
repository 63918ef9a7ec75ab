"""The base of every business refusal a user can act on."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal with a stable `code` and a translatable message with %(name)s params."""

    code = "domain_error"
    message = _("This action is not allowed.")
    status = 422

    def __init__(self, message=None, **params):
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class ConcurrentChange(DomainError):
    """Somebody else changed the record between reading and writing it."""

    code = "concurrent_change"
    status = 409
    message = _("This record was changed by someone else. Reload the page and try again.")
