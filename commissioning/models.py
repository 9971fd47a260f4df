"""Behaviour shared by the register's models."""

from django.db import models
from django.utils import timezone

from commissioning.dataversion import DataVersionQuerySet


class NamedQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class NamedModel(models.Model):
    """A lookup row known by its unique name (commissioning bodies, categories, cohorts, funding
    streams, outcome measures): the name is what it prints as and its key in fixtures."""

    name = models.CharField(max_length=200, unique=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class ArchivableQuerySet(models.QuerySet):
    def current(self):
        """Rows not archived: the ones the register pages list."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Archivable(models.Model):
    """Archived, not deleted: an archived record leaves the register pages but keeps its history.

    For models with an ``updated_at`` field; ``ArchivableQuerySet`` gives ``current()`` and
    ``archived()``.
    """

    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self):
        return self.archived_at is not None

    def archive(self):
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self):
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])


class Versioned(models.Model):
    """A row whose every full save of an existing copy adds one to ``version``, which the
    optimistic locking (``commissioning/locking.py``) compares. A save of named fields that
    leave ``version`` out (archiving) and loaddata's raw saves do not count.

    Contracts and providers are versioned, and so are a contract's parts (values, options,
    partners, outcomes); a change to a part also moves its contract's version through
    ``locking.count_versions_of_parts``, which saves the contract with
    ``update_fields=["version"]``, so the bump itself is written only here."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or "version" in update_fields):
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)


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
