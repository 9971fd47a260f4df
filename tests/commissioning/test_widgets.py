import re

import pytest
from django import forms

from commissioning.widgets import PlainSelect
from providers.models import Provider


def options(html):
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


def test_it_writes_the_same_options_and_selection_as_djangos_select():
    choices = [("", "Any status"), ("live", "Live"), ("ended", "Ended")]
    attrs = {"class": "govuk-select", "id": "id_status"}

    plain = PlainSelect(attrs=attrs, choices=choices).render("status", "live")
    django = forms.Select(attrs=attrs, choices=choices).render("status", "live")

    assert options(plain) == options(django)
    assert options(plain)[1] == ("live", " selected", "Live")
    assert plain.startswith('<select class="govuk-select" id="id_status" name="status">')


def test_it_escapes_labels_and_values():
    html = PlainSelect(choices=[('"x"', "<b>Smith & Sons</b>")]).render("provider", None)

    assert "<b>" not in html
    assert "&lt;b&gt;Smith &amp; Sons&lt;/b&gt;" in html
    assert 'value="&quot;x&quot;"' in html


@pytest.mark.django_db
def test_a_model_choice_list_costs_one_query(django_assert_num_queries):
    Provider.objects.create(name="Women's Aid")
    field = forms.ModelChoiceField(queryset=Provider.objects.all(), widget=PlainSelect)

    with django_assert_num_queries(1):
        html = field.widget.render("provider", None)

    assert "Women&#x27;s Aid" in html
