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
    category = tables.Column(order_by=("category__order", "category__name", "reference"))
    lead_provider = tables.Column(order_by=("lead_provider__name", "reference"))
    value_in_current_year = tables.Column(verbose_name="Value this year")
    total_amount = tables.Column(verbose_name="Total value")
    end_date = tables.DateColumn()
    current_status = tables.Column(verbose_name="Status")

    class Meta:
        model = Contract
        fields = ()
        order_by = ("category", "reference")


class StockRegisterView(tables.SingleTableMixin, FilterView):
    model = Contract
    filterset_class = ContractFilter
    table_class = StockContractTable
    paginate_by = 50

    def get_queryset(self):
        # The register's own queryset: the comparison is about rendering, not fetching.
        return Contract.objects.for_register()

    def get_template_names(self):
        # A template object, not a name: the bench is not an app with a templates folder.
        return engines["django"].from_string(PAGE)
