from __future__ import annotations

from django_tasks import task

from megafonen.messaging.services import messages_send, messages_send_due


@task()
def send_messages(message_ids: list[str]) -> dict[str, int]:
    return messages_send(message_ids)


@task()
def send_due_messages() -> dict[str, int]:
    return messages_send_due()
