"""Behaviour shared by the register's models."""

from django.db import models
from django.utils import timezone

from commissioning.dataversion import DataVersionQuerySet


class Archivable:
    """Archived, not deleted: an archived record leaves the register pages but keeps its history.

    For models with an ``archived_at`` DateTimeField and an ``updated_at`` field.
    """

    @property
    def is_archived(self):
        return self.archived_at is not None

    def archive(self):
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self):
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])


class DataVersion(models.Model):
    """One row whose number moves with every change to the register's data (see dataversion.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(default=0)

    objects = DataVersionQuerySet.as_manager()

    data_version_ignored = True

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"Data version {self.number}"
