"""Recording a renewal decision from the contract page (editors): a GOV.UK form with the
contract's version checked under a row lock, as the admin's forms are."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from commissioning.locking import STALE_FORM_MESSAGE, changes_since
from contracts.models import Contract, DecisionOutcome, RenewalDecision


class DecisionForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "username"),
        required=False,
        empty_label="The contract manager",
        label="Who decides",
        help_text="They receive the alerts. With nobody named, the administrators do.",
    )
    due_date = DateInputField(
        label="Decide by",
        required=False,
        help_text="Leave empty for the default from the notice period.",
    )
    outcome = forms.ChoiceField(
        choices=[("", "Not decided yet"), *DecisionOutcome.choices],
        required=False,
        widget=forms.RadioSelect,
        label="Outcome",
        help_text="Recording “Extend” on an option exercises it: its value is added and the end date moves.",
    )
    decided_on = DateInputField(
        label="Date decided", required=False, help_text="The day it was decided: today or earlier."
    )
    reference = forms.CharField(
        label="Decision reference",
        required=False,
        max_length=100,
        help_text="The PCC decision or meeting minute, e.g. PCC-2024-017.",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "owner",
            "due_date",
            "outcome",
            "decided_on",
            "reference",
            "seen_version",
            Submit("submit", "Save decision"),
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("outcome")) != bool(cleaned.get("decided_on")):
            raise ValidationError(
                "Give the outcome and the date it was decided together (or neither, to name "
                "an owner or a date to decide by)."
            )
        seen = cleaned.get("seen_version")
        # Locked until the request's transaction ends, so two saves cannot both pass.
        current = Contract.objects.select_for_update().get(pk=self.contract.pk)
        if seen is not None and current.version != seen:
            self.data = self.data.copy()
            self.data["seen_version"] = current.version
            raise ValidationError(
                [
                    "Your decision has not been saved: someone else saved this contract after "
                    "you opened the form.",
                    *changes_since(current, seen),
                    "Check the contract, then save again.",
                ]
            )
        return cleaned


def _subject(contract, subject):
    """The option (or None for the contract's end) a decision URL names."""
    if subject == "end":
        if contract.end_date is None:
            raise Http404("This contract has no end date to decide about.")
        return None
    if subject.startswith("option-") and subject[7:].isdigit():
        option = contract.options.filter(pk=int(subject[7:])).first()
        if option is not None:
            return option
    raise Http404("No such decision on this contract.")


@permission_required("contracts.change_contract", raise_exception=True)
def record_decision(request, reference, subject):
    contract = get_object_or_404(Contract.objects.current(), reference=reference)
    option = _subject(contract, subject)
    if option is not None:
        record = RenewalDecision.objects.filter(option=option).first()
        due = option.decision_due
    else:
        record = RenewalDecision.objects.filter(
            contract=contract, option__isnull=True, end_date=contract.end_date
        ).first()
        due = record.due_date if record else None
    initial = {
        "owner": record.owner_id if record else None,
        "due_date": due,
        "outcome": record.outcome if record else "",
        "decided_on": record.decided_on if record else None,
        "reference": record.reference if record else "",
        "seen_version": contract.version,
    }
    form = DecisionForm(request.POST or None, initial=initial, contract=contract)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                record = record or RenewalDecision(
                    contract=contract,
                    option=option,
                    end_date=None if option else contract.end_date,
                )
                record.owner = data["owner"]
                record.outcome = data["outcome"]
                record.decided_on = data["decided_on"]
                record.reference = data["reference"]
                if option is not None:
                    if option.decision_due != data["due_date"]:
                        option.decision_due = data["due_date"]
                        option.save()
                else:
                    record.due_date = data["due_date"]
                record.record()
                # A new version, so a form opened before this save is refused.
                fresh = Contract.objects.get(pk=contract.pk)
                fresh.save(update_fields=["version", "updated_at"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            what = f"option {option.period_label}" if option else "the contract’s end"
            messages.success(request, f"Decision on {what} saved.")
            return redirect(f"{contract.get_absolute_url()}#decisions")
    return render(
        request,
        "contracts/record_decision.html",
        {
            "contract": contract,
            "option": option,
            "form": form,
            "today": timezone.localdate(),
            "stale_message": STALE_FORM_MESSAGE,
        },
    )
