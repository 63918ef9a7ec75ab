"""Refusals of the reports app."""

from opms.core.errors import DomainError


class ReportError(DomainError):
    code = "report_error"


class UnknownReport(ReportError):
    code = "unknown_report"
