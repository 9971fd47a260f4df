"""``{% contract_history contract %}``: the contract's history in plain words."""

from django import template

from contracts.history import contract_history as history_of

register = template.Library()

# The page shows the latest changes; admin's History button shows them all.
ENTRIES_ON_THE_PAGE = 50


@register.inclusion_tag("contracts/_history.html", takes_context=True)
def contract_history(context, contract):
    entries = history_of(contract)
    return {
        "contract": contract,
        # Staff are exactly the editors and administrators (commissioning/roles.py), who
        # may revert in admin; is_staff costs no query, a permission check costs two.
        "can_revert": getattr(context.get("user"), "is_staff", False),
        "entries": entries[:ENTRIES_ON_THE_PAGE],
        "more": max(len(entries) - ENTRIES_ON_THE_PAGE, 0),
    }
