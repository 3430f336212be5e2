"""Background work of the needs box, run by the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from megafonen.needs import services


@task()
def detect_need_language(need_id: int) -> str:
    # In the worker, so web workers never load the detector's models.
    return services.need_language_detect(need_id=need_id)


@task()
def purge_need_contacts() -> int:
    return services.contacts_purge()
