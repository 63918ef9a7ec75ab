"""Input shapes of the finance screens: invoicing basis, void reason, payments, allocations."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.selectors import customers_for_order_entry
from finance import selectors
from finance.models import BankAccount, CreditNote, Invoice, Payment
from finance.services import BASIS_ORDERED, BASIS_SHIPPED
from opms.core.templatetags.opms import money

POSITIVE = Decimal("0.01")


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class InvoiceCreateForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("Invoice for"),
        choices=[
            (BASIS_SHIPPED, _("What has shipped and is not invoiced yet")),
            (BASIS_ORDERED, _("The whole order, shipped or not (prepayment)")),
        ],
        initial=BASIS_SHIPPED,
        widget=forms.RadioSelect,
    )


class InvoiceVoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why void this invoice?"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class PaymentForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=customers_for_order_entry(),
        empty_label=_("Choose a customer"),
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=POSITIVE,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0.01", "class": "form-control num"}
        ),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.BANK_TRANSFER
    )
    received_on = forms.DateField(
        label=_("Received on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    bank_reference = forms.CharField(
        label=_("Bank reference"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    invoice = forms.CharField(
        label=_("Allocate to invoice"),
        max_length=20,
        required=False,
        help_text=_("Optional: an open invoice number; the payment settles it as far as it goes."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "INV-…"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(
                _("A payment cannot be received in the future."), code="future_date"
            )
        return received_on

    def clean_invoice(self) -> Invoice | None:
        number = self.cleaned_data["invoice"].strip()
        if not number:
            return None
        invoice = selectors.invoice_open_by_number(number=number)
        if invoice is None:
            raise forms.ValidationError(
                _("No open invoice with number “%(number)s”."),
                code="unknown_invoice",
                params={"number": number},
            )
        return invoice


class _OpenInvoiceSelect(forms.Select):
    """Options carry the amount to prefill: what the invoice owes, at most what the payment has."""

    def __init__(self, *args, available: Decimal = Decimal("0"), **kwargs):
        super().__init__(*args, **kwargs)
        self.available = available

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        invoice = getattr(value, "instance", None)
        if invoice is not None:
            option["attrs"]["data-amount"] = str(min(self.available, invoice.open_amount))
        return option


class _OpenInvoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Invoice) -> str:
        due = obj.due_on.isoformat() if obj.due_on else "—"
        return _("%(number)s · due %(due)s · open %(open)s") % {
            "number": obj.number,
            "due": due,
            "open": money(obj.open_amount, obj.currency),
        }


class AllocationForm(forms.Form):
    invoice = _OpenInvoiceField(label=_("Invoice"), queryset=Invoice.objects.none())
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=POSITIVE,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0.01", "class": "form-control num"}
        ),
    )

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["invoice"]
        field.empty_label = None
        field.widget = _OpenInvoiceSelect(available=payment.unallocated_amount)
        # Assigning the queryset hands the choices to the widget, so it comes last.
        field.queryset = selectors.invoices_open_for_customer(customer_id=payment.customer_id)
        _style(self)

    @classmethod
    def prefilled(cls, *, payment: Payment, invoices: list[Invoice]) -> "AllocationForm":
        """The form for the payment page: the oldest-due invoice, as much as can go to it."""
        initial = {}
        if invoices:
            first = invoices[0]
            initial = {
                "invoice": first.pk,
                "amount": min(payment.unallocated_amount, first.open_amount),
            }
        return cls(payment=payment, initial=initial)


class StatementImportForm(forms.Form):
    bank_account = forms.ModelChoiceField(
        label=_("Bank account"), queryset=BankAccount.objects.filter(is_active=True)
    )
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("CSV (UTF-8 or GBK) or XLSX, as exported by the bank."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        accounts = list(self.fields["bank_account"].queryset[:2])
        if len(accounts) == 1:
            self.fields["bank_account"].initial = accounts[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."),
                code="too_large",
                params={"size": MAX_STATEMENT_BYTES // (1024 * 1024)},
            )
        return upload


MAX_STATEMENT_BYTES = 10 * 1024 * 1024


class StatementLinePostForm(forms.Form):
    """Finance reconciles a waiting line by hand: the customer, then an amount per open
    invoice (several amounts split the line; what is left stays as credit)."""

    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=customers_for_order_entry(), empty_label=_("Choose")
    )

    def __init__(self, *args, invoices: list[Invoice] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.invoices = list(invoices)
        for invoice in self.invoices:
            self.fields[f"amount_{invoice.pk}"] = forms.DecimalField(
                label=invoice.number,
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "min": "0", "class": "form-control form-control-sm num"}
                ),
            )
        self.fields["customer"].widget.attrs["class"] = "form-select form-select-sm"

    def allocations(self) -> list[tuple[int, Decimal]]:
        return [
            (invoice.pk, self.cleaned_data[f"amount_{invoice.pk}"])
            for invoice in self.invoices
            if self.cleaned_data.get(f"amount_{invoice.pk}")
        ]

    def amount_fields(self):
        return [(invoice, self[f"amount_{invoice.pk}"]) for invoice in self.invoices]


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount incl. VAT"),
        min_value=POSITIVE,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "class": "num"}),
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=CreditNote.Reason.choices,
        initial=CreditNote.Reason.PRICE_ADJUSTMENT,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class UnallocateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why take it back?"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
