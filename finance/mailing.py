"""Sending finance mail: reminders and PDFs to the billing contact, the sales rep notified.

Called by the tasks in finance/tasks.py (after the services recorded what to send).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Customer
from finance.models import Invoice, OverdueReminder, ReminderSchedule
from finance.selectors import customer_statement, invoice_lines
from opms.core.pdf import pdf_bytes
from opms.notifications.events import TITLES, Event
from opms.notifications.services import notify


def billing_recipients(customer: Customer) -> list[str]:
    """The billing contacts' e-mail addresses, else the customer's own address."""
    contacts = [
        contact.email for contact in customer.contacts.filter(is_billing=True).exclude(email="")
    ]
    if contacts:
        return sorted(set(contacts))
    return [customer.email] if customer.email else []


def reminder_schedule_get() -> ReminderSchedule:
    return ReminderSchedule.objects.order_by("pk").first() or ReminderSchedule()


@transaction.atomic
def overdue_reminder_deliver(*, reminder_id: int) -> bool:
    """Send one recorded reminder: the invoice PDF to the billing contact, a note to the
    sales rep. The row lock and `sent_to` keep a redelivered task from sending twice."""
    reminder = (
        OverdueReminder.objects.select_for_update(of=("self",))
        .select_related("invoice__customer__sales_rep", "invoice__order")
        .get(pk=reminder_id)
    )
    if reminder.sent_to:
        return False
    invoice = reminder.invoice
    schedule = reminder_schedule_get()
    recipients = billing_recipients(invoice.customer) if schedule.remind_customer else []
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "number": invoice.number,
            "days": reminder.days_overdue,
            "amount": invoice.open_amount,
            "currency": invoice.currency,
        }
        subject = _("Reminder: invoice %(number)s is %(days)s days overdue") % params
        body = (
            _(
                "Invoice %(number)s is %(days)s days past its due date; %(amount)s %(currency)s "
                "is still open. Please find the invoice attached."
            )
            % params
        )
        if recipients:
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
            message.attach(f"{invoice.number}.pdf", invoice_pdf_bytes(invoice), "application/pdf")
            message.send()
    if schedule.remind_sales_rep:
        notify(
            [invoice.customer.sales_rep],
            Event.OVERDUE_INVOICE,
            key=f"overdue:{invoice.number}:{reminder.days_overdue}",
            title=TITLES[Event.OVERDUE_INVOICE],
            url=reverse("finance:invoice", args=[invoice.pk]),
            params={"number": invoice.number, "days": reminder.days_overdue},
        )
    reminder.sent_to = ", ".join(recipients) or "-"
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["sent_to", "sent_at"])
    return True


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    return pdf_bytes(
        "finance/invoice_pdf.html",
        {"invoice": invoice, "lines": invoice_lines(invoice=invoice)},
    )


def statement_pdf_bytes(customer_id: int) -> bytes:
    return pdf_bytes(
        "finance/customer_statement_pdf.html",
        {"statement": customer_statement(customer_id=customer_id)},
    )


def document_email_send(*, kind: str, pk: int, recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "invoice":
            invoice = Invoice.objects.select_related("customer", "order").get(pk=pk)
            subject = _("Invoice %(number)s") % {"number": invoice.number}
            attachment = (f"{invoice.number}.pdf", invoice_pdf_bytes(invoice))
        else:
            customer = Customer.objects.get(pk=pk)
            subject = _("Statement of account: %(customer)s") % {"customer": customer.name}
            attachment = (f"statement-{customer.code}.pdf", statement_pdf_bytes(pk))
        body = _("Please find the document attached.")
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        message.attach(attachment[0], attachment[1], "application/pdf")
        message.send()
