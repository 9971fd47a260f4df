"""Site-wide pages: the dashboard (and, beside it, cross-register reports)."""

from commissioning.views.dashboard import dashboard

__all__ = ["dashboard"]
