"""Audited models keep a history of every change: their querysets refuse the writes that skip it.

django-simple-history records a change when a record is saved or deleted one at
a time (signals). ``QuerySet.update()`` and ``bulk_update()`` write many rows in
one statement and send no signal, so the change would leave no trace. Every
model with a ``history`` uses ``AuditedQuerySet`` (a test checks it), and those
two methods raise ``UnrecordedWrite`` whichever way they are reached: on the
manager, a filtered queryset held in a variable, or a related manager
(``contract.values.update(…)``).

``bulk_create`` stays allowed, and ``bulk_create_recorded()`` is the way to
insert many rows with their history: the rows in bulk, then their creation
records copied from the stored rows by the database (one ``INSERT … SELECT``
per batch), the same records ``simple_history.utils.bulk_create_with_history``
writes without building a historical object per row in Python (the workbook
import of 1,000 contracts spent most of its writing time doing that).

The one named exception is the benchmark's synthetic register
(``bench/seed.py``), which builds a plain ``django.db.models.QuerySet`` over the
model on purpose.
"""

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone

HISTORY_BATCH_SIZE = 500


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

    def bulk_create_recorded(self, objs, batch_size=None, user=None):
        """Insert ``objs`` in bulk, each with its creation record in the history ("+"),
        by ``user`` (else whoever the request's history middleware names), now.

        The history rows are copied from the rows as stored, so they hold exactly what
        was written, as ``bulk_create_with_history`` would (its change reason: none).
        """
        objs = list(objs)
        if not objs:
            return objs
        with transaction.atomic(using=self.db, savepoint=False):
            created = self._insert_returning_keys(objs, batch_size) or self.bulk_create(
                objs, batch_size=batch_size
            )
            if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
                self._record_created([obj.pk for obj in created], user or self._history_user(objs))
        return created

    def _insert_returning_keys(self, objs, batch_size):
        """``bulk_create(objs)`` for new rows of plain fields, its INSERTs written here.

        The same values (each field's ``pre_save`` and ``get_db_prep_save``, after the
        same related-field checks) in the same multi-row ``INSERT … RETURNING`` of the
        key, in batches the backend allows; what it skips is Django's per-value
        compiling (expression checks, placeholders), which was most of the import's
        writing time. Returns None, having written nothing, for anything else (a key
        set, a database default, a generated field, an expression as a value): then
        ``bulk_create`` inserts them as always.
        """
        opts = self.model._meta
        connection = connections[self.db]
        fields = [field for field in opts.concrete_fields if field is not opts.pk]
        if (
            opts.parents
            or not connection.features.can_return_rows_from_bulk_insert
            or not opts.pk.db_returning
            or any(
                field.generated or field.db_returning or field.has_db_default() for field in fields
            )
            or any(obj.pk is not None for obj in objs)
        ):
            return None
        self._for_write = True
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        rows = [[field.pre_save(obj, True) for field in fields] for obj in objs]
        if any(hasattr(value, "resolve_expression") for row in rows for value in row):
            return None
        quote = connection.ops.quote_name
        insert = (
            f"INSERT INTO {quote(opts.db_table)} "
            f"({', '.join(quote(field.column) for field in fields)}) VALUES "
        )
        placeholders = f"({', '.join(['%s'] * len(fields))})"
        returning = f" RETURNING {quote(opts.pk.column)}"
        size = max(min(batch_size or len(objs), connection.ops.bulk_batch_size(fields, objs)), 1)
        with connection.cursor() as cursor:
            for start in range(0, len(objs), size):
                batch = objs[start : start + size]
                params = [
                    field.get_db_prep_save(value, connection)
                    for row in rows[start : start + size]
                    for field, value in zip(fields, row, strict=True)
                ]
                cursor.execute(insert + ", ".join([placeholders] * len(batch)) + returning, params)
                keys = [key for (key,) in cursor.fetchall()]
                for obj, key in zip(batch, keys, strict=True):
                    obj.pk = key
                    obj._state.adding = False
                    obj._state.db = self.db
        return objs

    def _history_user(self, objs):
        return self.model.history.model.get_default_history_user(objs[0])

    def _record_created(self, pks, user):
        if None in pks:
            raise UnrecordedWrite(
                f"{self.model._meta.verbose_name_plural} were inserted without their keys "
                "coming back, so their history cannot be written."
            )
        history = self.model.history.model
        connection = connections[self.db]
        quote = connection.ops.quote_name
        tracked = history.tracked_fields
        targets = [quote(history._meta.get_field(field.name).column) for field in tracked]
        sources = [quote(field.column) for field in tracked]
        extra = {
            "history_date": timezone.now(),
            "history_type": "+",
            "history_change_reason": None,
            "history_user": user.pk if user is not None else None,
        }
        targets += [quote(history._meta.get_field(name).column) for name in extra]
        params = [
            history._meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in extra.items()
        ]
        table, pk = quote(self.model._meta.db_table), quote(self.model._meta.pk.column)
        with connection.cursor() as cursor:
            for start in range(0, len(pks), HISTORY_BATCH_SIZE):
                batch = pks[start : start + HISTORY_BATCH_SIZE]
                cursor.execute(
                    f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(targets)}) "
                    f"SELECT {', '.join(sources)}, {', '.join(['%s'] * len(params))} "
                    f"FROM {table} WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) "
                    f"ORDER BY {pk}",
                    [*params, *batch],
                )
