"""Audited models keep a history of every change: their querysets refuse the writes that skip it.

django-simple-history records a change when a record is saved or deleted one at
a time (signals). ``QuerySet.update()`` and ``bulk_update()`` write many rows in
one statement and send no signal, so the change would leave no trace. Every
model with a ``history`` uses ``AuditedQuerySet`` (a test checks it), and those
two methods raise ``UnrecordedWrite`` whichever way they are reached: on the
manager, a filtered queryset held in a variable, or a related manager
(``contract.values.update(…)``).

``bulk_create`` stays allowed: the workbook import inserts new rows with
``simple_history.utils.bulk_create_with_history``, which writes their history
rows in bulk too.

The one named exception is the benchmark's synthetic register
(``bench/seed.py``), which builds a plain ``django.db.models.QuerySet`` over the
model on purpose.
"""

from django.db import models


class UnrecordedWrite(TypeError):
    """A bulk write that would change audited rows without recording the change."""


class AuditedQuerySet(models.QuerySet):
    def _refuse(self, method):
        name = self.model._meta.verbose_name_plural
        raise UnrecordedWrite(
            f"{method}() on {name} is refused: it would change them without recording "
            f"the change in their history. Save each {self.model._meta.verbose_name} instead."
        )

    def update(self, **kwargs):
        self._refuse("update")

    def bulk_update(self, objs, fields, batch_size=None):
        self._refuse("bulk_update")
