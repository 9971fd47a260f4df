"""Every URL the project serves, with its parameters filled from sample rows."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Unnamed patterns: Django admin's catch-all and its legacy "<object_id>/" redirect.
UNNAMED_PATTERNS_ALLOWED = {"admin:"}


@dataclass(frozen=True)
class Route:
    name: str
    url: str

    @property
    def is_admin(self):
        return self.name.startswith("admin:")

    @property
    def admin_model(self):
        """``("contracts", "contract")`` for admin:contracts_contract_change, else None."""
        if not self.is_admin:
            return None
        for model in apps.get_models():
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if self.name.startswith(prefix):
                return model
        return None

    @property
    def action(self):
        return self.name.rsplit("_", 1)[-1] if self.admin_model else ""


def patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def sample_for(model, samples):
    return samples.get(model) or model._default_manager.order_by("pk").first()


def fill(name, entry, samples):
    """The URL for one pattern, with sample values; None when it cannot be filled."""
    params = list(entry.pattern.regex.groupindex)
    model = Route(name, "").admin_model
    instance = sample_for(model, samples) if model else None
    if name.endswith("_simple_history"):
        if instance is None:
            return None
        record = instance.history.order_by("pk").first()
        return reverse(name, args=[instance.pk, record.history_id]) if record else None
    values = {}
    for param in params:
        if param == "object_id":
            values[param] = instance.pk if instance is not None else 999999
        elif param == "id":
            values[param] = samples["user"].pk
        elif param == "app_label":
            values[param] = "contracts"
        elif param == "content_type_id":
            values[param] = samples["contract_type"].pk
        elif param in samples:
            values[param] = samples[param]
        else:
            return None
    if name == "admin:view_on_site":
        values["object_id"] = samples["contract"].pk
    return reverse(name, kwargs=values)


def every_route(samples):
    """``(routes, unfilled)``: every named URL filled in, and the names that could not be."""
    routes, unfilled = [], []
    for namespace, entry in patterns():
        if not entry.name:
            assert namespace in UNNAMED_PATTERNS_ALLOWED, f"unnamed URL pattern {entry.pattern}"
            continue
        name = namespace + entry.name
        url = fill(name, entry, samples)
        if url is None:
            unfilled.append(name)
        else:
            routes.append(Route(name, url))
    return routes, unfilled
