"""What an ordinary Django team would ship: stock SingleTableMixin + FilterView.

The same columns and the same filters (``ContractFilter``) as the register
page, rendered by django-tables2's default template and the filter form's own
``as_div``; ``paginate_by = 50`` as the libraries' documentation shows. Routed
only inside the bench (bench/urls.py), never in the product.
"""

import django_tables2 as tables
from django.template import engines
from django_filters.views import FilterView

from contracts.filters import ContractFilter
from contracts.models import Contract

PAGE = """{% extends "base.html" %}{% load django_tables2 %}
{% block title %}Stock register{% endblock %}
{% block content %}
<h1>Contracts</h1>
<form method="get">{{ filter.form.as_div }}<button type="submit">Filter</button></form>
{% render_table table %}
{% endblock %}"""


class StockContractTable(tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column()
    lead_provider = tables.Column()
    category = tables.Column()
    current_status = tables.Column(verbose_name="Status")
    end_date = tables.DateColumn()
    value_this_year_amount = tables.Column(verbose_name="Value this year")
    total_amount = tables.Column(verbose_name="Total value")

    class Meta:
        model = Contract
        fields = ()


class StockRegisterView(tables.SingleTableMixin, FilterView):
    model = Contract
    filterset_class = ContractFilter
    table_class = StockContractTable
    paginate_by = 50

    def get_queryset(self):
        from commissioning.fy import FinancialYear

        return (
            Contract.objects.current()
            .with_status()
            .with_totals()
            .with_value_in(FinancialYear.current(), name="value_this_year_amount")
            .select_related("lead_provider", "category")
            .order_by("title", "reference")
        )

    def get_template_names(self):
        # A template object, not a name: the bench is not an app with a templates folder.
        return engines["django"].from_string(PAGE)
