"""Every write in outreach: topics, bulletins (four eyes), partner levels, translations,
glossary, read-aloud audio, subscriptions and broadcasts. Each state change happens here, in
one transaction, with its access log entry where personal data is touched."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from megafonen.core.models import AccessLogEntry, Membership, Organisation
from megafonen.core.permissions import require
from megafonen.core.roles import OrganisationKind, Role
from megafonen.core.services import access_log_record
from megafonen.messaging.models import Channel
from megafonen.messaging.phone import phone_normalise
from megafonen.messaging.services import (
    is_opted_out,
    message_queue,
    recipient_hash,
)
from megafonen.outreach import audio, krisinformation, notices, rules, selectors
from megafonen.outreach.languages import SOURCE_LANGUAGE, is_target_language, language_resolve
from megafonen.outreach.models import (
    Broadcast,
    Bulletin,
    Capability,
    GlossaryTerm,
    PartnerLevel,
    ReadAloud,
    SourceItem,
    Subscription,
    SupportLevel,
    Topic,
    Translation,
)
from megafonen.outreach.services_broadcasts import broadcast_fan_out as broadcast_fan_out
from megafonen.outreach.services_broadcasts import broadcast_start as broadcast_start
from megafonen.outreach.texts import fingerprint

logger = logging.getLogger(__name__)

# Words the topic addresses share with other pages of the app.
RESERVED_SLUGS = {"staff", "subscriptions", "hotline", "calls", "figures", "questions", "answers"}
PARTNER_KINDS = {OrganisationKind.CIVIL_SOCIETY_PARTNER, OrganisationKind.ASSOCIATION}


PAGE_CACHE_SECONDS = 300


def topic_page_cache_key(slug: str, language: str) -> str:
    return f"outreach:page:{slug}:{language}"


def topic_pages_forget(topic: Topic) -> None:
    """Drop the cached public pages of a topic in every language, now and again after the
    transaction commits (a reader in between could have cached the old text)."""
    from megafonen.outreach.languages import enabled_codes

    keys = [topic_page_cache_key(topic.slug, code) for code in enabled_codes()]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _fail(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


# --- Capabilities ---------------------------------------------------------------------------
def partner_capable(*, organisation: Organisation, topic: Topic, capability: Capability) -> bool:
    """The one check of what a partner's level allows on a topic (see ``Capability``)."""
    level = selectors.partner_level_current(topic=topic, organisation=organisation)
    return level is not None and level.is_active and level.allows(capability)


def partner_takes_part(*, organisation: Organisation, topic: Topic) -> bool:
    return selectors.partner_level_current(topic=topic, organisation=organisation) is not None


# --- Topics ----------------------------------------------------------------------------------
def _administration_of(user: Any) -> Organisation | None:
    membership = (
        Membership.objects.current()
        .filter(user=user, organisation__kind=OrganisationKind.CITY_ADMINISTRATION)
        .filter(role__in=[Role.CITY_COMMUNICATOR, Role.CITY_ADMINISTRATOR])
        .select_related("organisation")
        .order_by("role", "organisation__name")
        .first()
    )
    return membership.organisation if membership else None


@transaction.atomic
def topic_open(
    *,
    actor: Any,
    title: str,
    administration: Organisation | None = None,
    area_description: str = "Helsingborg",
    cap_category: str = "Other",
    cap_urgency: str = "Expected",
    cap_severity: str = "Moderate",
    cap_certainty: str = "Likely",
    slug: str = "",
) -> Topic:
    require(actor, rules.MANAGE_TOPICS.name)
    administration = administration or _administration_of(actor)
    if administration is None or administration.kind != OrganisationKind.CITY_ADMINISTRATION:
        raise _fail(_("A topic belongs to one of the city's administrations."), "administration")
    base = slugify(slug or title)[:70] or "topic"
    if base in RESERVED_SLUGS:
        base = f"{base}-topic"
    candidate, counter = base, 2
    while Topic.objects.filter(slug=candidate).exists():
        candidate, counter = f"{base}-{counter}", counter + 1
    return Topic.objects.create(
        slug=candidate,
        title=title.strip(),
        administration=administration,
        area_description=area_description.strip() or "Helsingborg",
        cap_category=cap_category,
        cap_urgency=cap_urgency,
        cap_severity=cap_severity,
        cap_certainty=cap_certainty,
        created_by=actor,
    )


def topic_close(*, actor: Any, topic: Topic, is_active: bool = False) -> Topic:
    require(actor, rules.MANAGE_TOPICS.name)
    Topic.objects.filter(pk=topic.pk).update(is_active=is_active)
    topic.is_active = is_active
    topic_pages_forget(topic)
    return topic


# --- Bulletins: drafts, four eyes, publishing ------------------------------------------------
def _bulletin_fingerprint(bulletin: Bulletin) -> str:
    return fingerprint(
        {
            "topic": bulletin.topic.slug,
            "number": bulletin.number,
            "kind": bulletin.kind,
            "language": SOURCE_LANGUAGE,
            "title": bulletin.title,
            "lead": bulletin.lead,
            "body": bulletin.body,
            "instruction": bulletin.instruction,
        }
    )


def _text_fields(title: str, lead: str, body: str, instruction: str) -> dict[str, str]:
    fields = {
        "title": title.strip(),
        "lead": lead.strip(),
        "body": body.strip(),
        "instruction": instruction.strip(),
    }
    if not fields["title"] or not fields["lead"]:
        raise _fail(_("A bulletin needs a title and a summary."), "incomplete")
    return fields


@transaction.atomic
def bulletin_draft_create(
    *,
    actor: Any,
    topic: Topic,
    title: str,
    lead: str,
    body: str = "",
    instruction: str = "",
    is_withdrawal: bool = False,
    source_item: SourceItem | None = None,
) -> Bulletin:
    require(actor, rules.WRITE_BULLETINS.name)
    current = selectors.current_version(topic)
    if is_withdrawal and (current is None or current.kind == Bulletin.Kind.CANCEL):
        raise _fail(_("There is no published bulletin to withdraw."), "nothing_to_withdraw")
    now = timezone.now()
    return Bulletin.objects.create(
        topic=topic,
        is_withdrawal=is_withdrawal,
        replaces=current,
        source_item=source_item,
        written_by=actor,
        created_at=now,
        updated_at=now,
        **_text_fields(title, lead, body, instruction),
    )


def _own_draft(actor: Any, bulletin: Bulletin) -> None:
    require(actor, rules.WRITE_BULLETINS.name)
    if bulletin.status != Bulletin.Status.DRAFT:
        raise _fail(_("Only a draft can be changed."), "not_draft")
    if bulletin.written_by_id != actor.pk:
        # Whoever changes the text becomes its author, and an author cannot approve: so
        # only the author changes her draft, and a colleague returns it with a note.
        raise _fail(_("Only the person who wrote this draft can change it."), "not_author")


@transaction.atomic
def bulletin_draft_update(
    *, actor: Any, bulletin: Bulletin, title: str, lead: str, body: str = "", instruction: str = ""
) -> Bulletin:
    _own_draft(actor, bulletin)
    for name, value in _text_fields(title, lead, body, instruction).items():
        setattr(bulletin, name, value)
    bulletin.updated_at = timezone.now()
    bulletin.save()
    return bulletin


@transaction.atomic
def bulletin_submit(*, actor: Any, bulletin: Bulletin) -> Bulletin:
    _own_draft(actor, bulletin)
    bulletin.status = Bulletin.Status.SUBMITTED
    bulletin.submitted_by = actor
    bulletin.submitted_at = timezone.now()
    bulletin.review_note = ""
    bulletin.save()
    return bulletin


@transaction.atomic
def bulletin_discard(*, actor: Any, bulletin: Bulletin) -> Bulletin:
    require(actor, rules.WRITE_BULLETINS.name)
    if bulletin.status not in (Bulletin.Status.DRAFT, Bulletin.Status.SUBMITTED):
        raise _fail(_("A published version is kept for good."), "published")
    if bulletin.written_by_id != actor.pk:
        raise _fail(_("Only the person who wrote this draft can discard it."), "not_author")
    bulletin.status = Bulletin.Status.DISCARDED
    bulletin.save(update_fields=["status"])
    return bulletin


FOUR_EYES = _(
    "A second communicator must approve this bulletin: you wrote or submitted it, so you "
    "cannot approve it yourself."
)


@transaction.atomic
def bulletin_return(*, actor: Any, bulletin: Bulletin, note: str) -> Bulletin:
    require(actor, rules.APPROVE_BULLETINS.name)
    if bulletin.status != Bulletin.Status.SUBMITTED:
        raise _fail(_("Only a bulletin waiting for approval can be returned."), "not_submitted")
    if actor.pk in (bulletin.written_by_id, bulletin.submitted_by_id):
        raise _fail(FOUR_EYES, "four_eyes")
    if not note.strip():
        raise _fail(_("Say what needs changing."), "note_required")
    bulletin.status = Bulletin.Status.DRAFT
    bulletin.review_note = note.strip()
    bulletin.save()
    return bulletin


def bulletin_publish(*, actor: Any, bulletin: Bulletin) -> Bulletin:
    """Approve and publish: a second communicator, against the version the draft was written
    on. Numbers, CAP type and fingerprint are fixed here; subscribers are told after commit."""
    require(actor, rules.APPROVE_BULLETINS.name)
    with transaction.atomic():
        # Locking the topic serialises publishing per topic (SQLite serialises every write).
        topic = Topic.objects.select_for_update().get(pk=bulletin.topic_id)
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        bulletin.topic = topic
        if bulletin.status != Bulletin.Status.SUBMITTED:
            raise _fail(
                _("Only a bulletin waiting for approval can be published."), "not_submitted"
            )
        if actor.pk in (bulletin.written_by_id, bulletin.submitted_by_id):
            raise _fail(FOUR_EYES, "four_eyes")
        current = selectors.current_version(topic)
        if (current.pk if current else None) != bulletin.replaces_id:
            raise _fail(
                _(
                    "Version %(number)s was published after this draft was started. Return "
                    "the draft so that its author can compare it with the new version."
                ),
                "outdated",
                number=current.number if current else 0,
            )
        if bulletin.is_withdrawal:
            if current is None or current.kind == Bulletin.Kind.CANCEL:
                raise _fail(_("There is no published bulletin to withdraw."), "nothing_to_withdraw")
            bulletin.kind = Bulletin.Kind.CANCEL
        elif current is not None and current.kind != Bulletin.Kind.CANCEL:
            bulletin.kind = Bulletin.Kind.UPDATE
        else:
            bulletin.kind = Bulletin.Kind.ALERT
        highest = Bulletin.objects.filter(topic=topic).aggregate(highest=Max("number"))["highest"]
        bulletin.number = (highest or 0) + 1
        bulletin.status = Bulletin.Status.PUBLISHED
        bulletin.approved_by = actor
        bulletin.administration = _administration_of(actor) or topic.administration
        bulletin.published_at = timezone.now()
        bulletin.fingerprint = _bulletin_fingerprint(bulletin)
        bulletin.save()
        topic_pages_forget(topic)
        broadcast_start(bulletin=bulletin, reason=Broadcast.Reason.PUBLISHED)
        read_aloud_request(bulletin=bulletin, language=SOURCE_LANGUAGE)
    return bulletin


# --- Partner levels ---------------------------------------------------------------------------
@transaction.atomic
def partner_level_set(
    *,
    actor: Any,
    topic: Topic,
    organisation: Organisation,
    level: SupportLevel | None,
    reason: str = "",
) -> PartnerLevel:
    """Append the partner's new level on the topic (``None`` ends its part); history stays."""
    require(actor, rules.SET_PARTNER_LEVELS.name)
    if organisation.kind not in PARTNER_KINDS:
        raise _fail(_("Only civil-society partners and associations get support levels."), "kind")
    if level is not None and not level.is_active:
        raise _fail(_("This level is no longer in use."), "inactive_level")
    current = selectors.partner_level_current(topic=topic, organisation=organisation)
    if current == level:
        raise _fail(_("The partner already has this level on this topic."), "unchanged")
    return PartnerLevel.objects.create(
        topic=topic, organisation=organisation, level=level, reason=reason.strip(), set_by=actor
    )


# --- Translations ----------------------------------------------------------------------------
NOT_PARTICIPATING = _(
    "Your organisation does not take part in this topic. The city gives partners a level on "
    "a topic before they translate."
)


def _translation_fingerprint(translation: Translation) -> str:
    return fingerprint(
        {
            "source": translation.source.fingerprint,
            "language": translation.language,
            "title": translation.title,
            "lead": translation.lead,
            "body": translation.body,
            "instruction": translation.instruction,
        }
    )


def _source_current(translation: Translation) -> None:
    """A translation is made, reviewed and approved only against a current text: the topic's
    current version, or an answer that has not been withdrawn."""
    if translation.answer_id is not None:
        if not translation.source.is_published:
            raise _fail(_("This answer has been withdrawn."), "withdrawn")
        return
    _must_be_current(translation.source)  # type: ignore[arg-type]


def _must_be_current(bulletin: Bulletin) -> None:
    current = selectors.current_version(bulletin.topic)
    if current is None or current.pk != bulletin.pk:
        raise _fail(
            _(
                "The Swedish text has a newer version. Start a new translation from it: your "
                "text is offered as the starting point, with the changed passages marked."
            ),
            "stale",
        )


@transaction.atomic
def translation_start(
    *, actor: Any, bulletin: Bulletin, language: str, partner: Organisation
) -> Translation:
    """Open the partner's translation of the current version into ``language``, starting
    from the latest approved translation of an earlier version when there is one."""
    require(actor, rules.TRANSLATE.name, partner)
    if not is_target_language(language):
        raise _fail(_("Bulletins cannot be translated into this language here."), "language")
    if not bulletin.is_published:
        raise _fail(_("Only a published version can be translated."), "unpublished")
    _must_be_current(bulletin)
    if not partner_takes_part(organisation=partner, topic=bulletin.topic):
        raise _fail(NOT_PARTICIPATING, "not_participating")
    existing = (
        Translation.objects.open()
        .filter(bulletin=bulletin, language=language, partner=partner)
        .first()
    )
    if existing is not None:
        return existing
    previous = selectors.previous_translation(bulletin, language, partner)
    now = timezone.now()
    return Translation.objects.create(
        bulletin=bulletin,
        language=language,
        partner=partner,
        title=previous.title if previous else "",
        lead=previous.lead if previous else "",
        body=previous.body if previous else "",
        instruction=previous.instruction if previous else "",
        started_from=previous,
        translated_by=actor,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def translation_save(
    *,
    actor: Any,
    translation: Translation,
    title: str,
    lead: str,
    body: str = "",
    instruction: str = "",
) -> Translation:
    require(actor, rules.TRANSLATE.name, translation)
    if not translation.is_editable:
        raise _fail(_("This translation is being reviewed and cannot be changed now."), "locked")
    translation.title, translation.lead = title.strip(), lead.strip()
    translation.body, translation.instruction = body.strip(), instruction.strip()
    # The last person to write the text is its translator: the peer review must be another.
    translation.translated_by = actor
    translation.updated_at = timezone.now()
    translation.save()
    return translation


@transaction.atomic
def translation_submit(*, actor: Any, translation: Translation) -> Translation:
    require(actor, rules.TRANSLATE.name, translation)
    if translation.status != Translation.Status.DRAFT:
        raise _fail(_("Only a draft can be sent for review."), "not_draft")
    if not translation.title.strip() or not translation.lead.strip():
        raise _fail(_("Translate at least the title and the summary."), "incomplete")
    _source_current(translation)
    translation.status = Translation.Status.SUBMITTED
    translation.submitted_at = timezone.now()
    translation.review_note = ""
    translation.save()
    return translation


def _approve(translation: Translation, *, approver: Any, route: str) -> None:
    translation.status = Translation.Status.APPROVED
    translation.approved_by = approver
    translation.approved_at = timezone.now()
    translation.route = route
    translation.fingerprint = _translation_fingerprint(translation)
    translation.save()
    topic_pages_forget(translation.topic)
    if translation.bulletin is None:
        from megafonen.outreach import services_questions

        services_questions.answer_translation_approved(translation=translation)
        return
    broadcast_start(
        bulletin=translation.bulletin,
        language=translation.language,
        reason=Broadcast.Reason.TRANSLATED,
    )
    read_aloud_request(
        bulletin=translation.bulletin, language=translation.language, translation=translation
    )


@transaction.atomic
def translation_peer_review(
    *, actor: Any, translation: Translation, approve: bool, note: str = ""
) -> Translation:
    """A colleague of the same partner reviews. If the partner's level allows self-approval,
    her approval approves the translation; otherwise it goes on to the city."""
    require(actor, rules.PEER_REVIEW.name, translation)
    if translation.status != Translation.Status.SUBMITTED:
        raise _fail(_("This translation is not waiting for peer review."), "not_submitted")
    if translation.translated_by_id == actor.pk:
        raise _fail(_("Someone other than the translator must review the translation."), "peer")
    if not approve:
        if not note.strip():
            raise _fail(_("Say what needs changing."), "note_required")
        translation.status = Translation.Status.DRAFT
        translation.review_note = note.strip()
        translation.save()
        return translation
    _source_current(translation)
    translation.peer_reviewed_by = actor
    translation.peer_reviewed_at = timezone.now()
    translation.review_note = note.strip()
    if partner_capable(
        organisation=translation.partner,
        topic=translation.topic,
        capability=Capability.SELF_APPROVE_TRANSLATIONS,
    ):
        _approve(translation, approver=actor, route=Translation.Route.PARTNER)
    else:
        translation.status = Translation.Status.PEER_APPROVED
        translation.save()
    return translation


@transaction.atomic
def translation_city_review(
    *, actor: Any, translation: Translation, approve: bool, note: str = ""
) -> Translation:
    require(actor, rules.CITY_REVIEW.name)
    if translation.status != Translation.Status.PEER_APPROVED:
        raise _fail(_("This translation is not waiting for city review."), "not_peer_approved")
    if not approve:
        if not note.strip():
            raise _fail(_("Say what needs changing."), "note_required")
        translation.status = Translation.Status.DRAFT
        translation.review_note = note.strip()
        translation.save()
        return translation
    _source_current(translation)
    translation.review_note = note.strip()
    _approve(translation, approver=actor, route=Translation.Route.CITY)
    return translation


@transaction.atomic
def translation_discard(*, actor: Any, translation: Translation) -> Translation:
    require(actor, rules.TRANSLATE.name, translation)
    if translation.status not in Translation.OPEN_STATUSES:
        raise _fail(_("An approved translation is kept for good."), "approved")
    translation.status = Translation.Status.DISCARDED
    translation.save(update_fields=["status"])
    return translation


# --- Glossary --------------------------------------------------------------------------------
@transaction.atomic
def glossary_term_save(
    *,
    actor: Any,
    language: str,
    term: str,
    translation: str,
    note: str = "",
    organisation: Organisation | None = None,
) -> GlossaryTerm:
    """Add a term, or change one (only a term one's own organisation added, unless city)."""
    require(actor, rules.EDIT_GLOSSARY.name)
    if not is_target_language(language):
        raise _fail(_("There is no glossary for this language."), "language")
    term, translation = term.strip(), translation.strip()
    if not term or not translation:
        raise _fail(_("Write both the Swedish term and its translation."), "incomplete")
    existing = GlossaryTerm.objects.filter(language=language, term__iexact=term).first()
    if existing is not None:
        require(actor, rules.EDIT_GLOSSARY.name, existing)
        existing.translation, existing.note = translation, note.strip()
        existing.updated_by, existing.updated_at = actor, timezone.now()
        existing.save()
        return existing
    return GlossaryTerm.objects.create(
        language=language,
        term=term,
        translation=translation,
        note=note.strip(),
        organisation=organisation,
        updated_by=actor,
    )


# --- Read-aloud audio ------------------------------------------------------------------------
def _spoken_text(title: str, lead: str, body: str, instruction: str) -> str:
    return "\n\n".join(part for part in [title, lead, body, instruction] if part.strip())


def read_aloud_request(
    *, bulletin: Bulletin, language: str, translation: Translation | None = None
) -> ReadAloud | None:
    """Queue synthetic speech for a text, if this machine has a voice for its language."""
    if not audio.synthesis_available(language):
        return None
    text_fingerprint = translation.fingerprint if translation else bulletin.fingerprint
    item, created = ReadAloud.objects.get_or_create(
        bulletin=bulletin,
        language=language,
        translation=translation,
        kind=ReadAloud.Kind.GENERATED,
        text_fingerprint=text_fingerprint,
    )
    if created:
        from megafonen.outreach import tasks

        item_id = item.pk
        transaction.on_commit(lambda: tasks.generate_read_aloud.enqueue(item_id))
    return item


def read_aloud_generate(*, read_aloud_id: int) -> ReadAloud:
    item = ReadAloud.objects.select_related("bulletin__topic", "translation").get(pk=read_aloud_id)
    if item.status == ReadAloud.Status.READY:
        return item
    source: Any = item.translation or item.bulletin
    text = _spoken_text(source.title, source.lead, source.body, source.instruction)
    try:
        mp3 = audio.speech_mp3(text, language=item.language)
    except (audio.SynthesisError, OSError, TimeoutError) as error:
        ReadAloud.objects.filter(pk=item.pk).update(
            status=ReadAloud.Status.FAILED, error=str(error)[:300]
        )
        logger.warning("Read-aloud %s failed: %s", item.pk, type(error).__name__)
        item.refresh_from_db()
        return item
    name = f"{item.bulletin_id}-{item.language}-{item.text_fingerprint[:12]}.mp3"
    item.file.save(name, ContentFile(mp3), save=False)
    item.content_type, item.size, item.status = "audio/mpeg", len(mp3), ReadAloud.Status.READY
    item.save()
    topic_pages_forget(item.bulletin.topic)
    return item


@transaction.atomic
def recording_upload(*, actor: Any, translation: Translation, upload: Any) -> ReadAloud:
    """An ambassador's recording of her partner's approved translation (for languages with
    no synthetic voice, or wherever a human voice serves better)."""
    require(actor, rules.UPLOAD_RECORDINGS.name, translation)
    if translation.status != Translation.Status.APPROVED:
        raise _fail(_("Record the translation once it is approved."), "not_approved")
    if translation.bulletin is None:
        raise _fail(_("Recordings are made of bulletins, not of answers."), "answer")
    kind = audio.recording_check(upload)
    item = ReadAloud(
        bulletin=translation.bulletin,
        language=translation.language,
        translation=translation,
        kind=ReadAloud.Kind.RECORDED,
        status=ReadAloud.Status.READY,
        content_type=kind.content_type,
        size=upload.size,
        text_fingerprint=translation.fingerprint,
        created_by=actor,
    )
    name = (
        f"{translation.bulletin_id}-{translation.language}-{uuid.uuid4().hex[:12]}.{kind.extension}"
    )
    item.file.save(name, upload, save=False)
    item.save()
    topic_pages_forget(translation.bulletin.topic)
    return item


# --- Subscriptions ---------------------------------------------------------------------------
INVALID_EMAIL = _("Write a whole e-mail address, like name@example.org.")
STOPPED_BEFORE = _(
    "This number has replied STOP to our texts, so we cannot text it any more. Subscribe by "
    "e-mail instead, or contact the city to start texts again."
)
TOO_MANY_CODES = _(
    "We have sent several codes to this address in the last hour. Wait an hour and try again."
)


def contact_normalise(channel: str, contact: str) -> str:
    """A phone number as E.164 (mobile only), an e-mail address in lower case; a clear
    error in the resident's language otherwise."""
    if channel == Channel.SMS:
        return phone_normalise(contact, mobile_only=True)
    if channel == Channel.EMAIL:
        cleaned = contact.strip().lower()
        try:
            validate_email(cleaned)
        except ValidationError:
            raise _fail(INVALID_EMAIL, "invalid_email") from None
        return cleaned
    raise _fail(_("Choose text message or e-mail."), "channel")


def _code_hash(public_id: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"outreach-code:{public_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def subscription_request(
    *, topic: Topic, channel: str, contact: str, language: str
) -> Subscription:
    """Start (or renew) a subscription and send the confirmation code. The answer is the same
    whether the address was subscribed before or not, so nobody learns who subscribes."""
    address = contact_normalise(channel, contact)
    if is_opted_out(channel, address):
        raise _fail(STOPPED_BEFORE, "opted_out")
    digest = recipient_hash(channel, address)
    sent_key = f"outreach:codes:{digest}"
    cache.add(sent_key, 0, timeout=3600)
    try:
        sent = int(cache.incr(sent_key))
    except ValueError:
        sent = 1
    if sent > settings.OUTREACH_CODES_PER_ADDRESS_PER_HOUR:
        raise _fail(TOO_MANY_CODES, "too_many_codes")
    language = language_resolve(language)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(topic=topic, channel=channel, contact_hash=digest)
            .first()
        )
        created = subscription is None
        if subscription is None:
            subscription = Subscription(
                topic=topic,
                channel=channel,
                contact_hash=digest,
                language=language,
                public_id=secrets.token_urlsafe(18),
            )
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            subscription.status = Subscription.Status.PENDING
        subscription.contact = address
        subscription.pending_language = language
        subscription.code_hash = _code_hash(subscription.public_id, code)
        subscription.code_sent_at = timezone.now()
        subscription.code_attempts = 0
        try:
            with transaction.atomic():
                subscription.save()
        except IntegrityError:  # the same address asked twice at the same moment
            raise _fail(
                _("Your request is already on its way. Check your messages."), "race"
            ) from None
        if channel == Channel.SMS:
            message_queue(
                channel=channel,
                recipient=address,
                body=notices.confirmation_sms(topic, code, language),
                language=language,
                purpose="outreach.subscription_code",
            )
        else:
            subject, body = notices.confirmation_email(subscription, code, language)
            message_queue(
                channel=channel,
                recipient=address,
                subject=subject,
                body=body,
                language=language,
                purpose="outreach.subscription_code",
            )
        access_log_record(
            actor=None,
            action=AccessLogEntry.Action.CREATE if created else AccessLogEntry.Action.CHANGE,
            subject=subscription,
            purpose="Resident asked to subscribe to a topic",
            details={"fields": ["contact"], "channel": channel},
        )
    return subscription


CODE_WRONG = _("The code is not right. Check the message and try again.")
CODE_EXPIRED = _("The code has expired. Ask for a new one on the topic's page.")
CODE_LOCKED = _("The code was wrong too many times. Ask for a new one on the topic's page.")


def subscription_confirm(*, subscription: Subscription, code: str) -> Subscription:
    wrong = False
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if not subscription.code_hash:
            if subscription.status == Subscription.Status.CONFIRMED:
                return subscription
            raise _fail(CODE_EXPIRED, "no_code")
        if subscription.code_attempts >= settings.OUTREACH_CODE_ATTEMPTS:
            raise _fail(CODE_LOCKED, "locked")
        valid_until = (subscription.code_sent_at or timezone.now()) + timedelta(
            minutes=settings.OUTREACH_CODE_MINUTES
        )
        if timezone.now() > valid_until:
            raise _fail(CODE_EXPIRED, "expired")
        cleaned = "".join(character for character in code if character.isdigit())
        expected = subscription.code_hash
        if not hmac.compare_digest(_code_hash(subscription.public_id, cleaned), expected):
            # Counted and committed before the error: guessing a code takes fresh codes.
            Subscription.objects.filter(pk=subscription.pk).update(
                code_attempts=F("code_attempts") + 1
            )
            wrong = True
        else:
            subscription.status = Subscription.Status.CONFIRMED
            subscription.language = subscription.pending_language or subscription.language
            subscription.confirmed_at = timezone.now()
            subscription.code_hash = ""
            subscription.save()
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.CHANGE,
                subject=subscription,
                purpose="Resident confirmed a subscription",
                details={"fields": ["status", "language"]},
            )
    if wrong:
        raise _fail(CODE_WRONG, "wrong_code")
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, source: str = "link") -> Subscription:
    """End the subscription and erase the address; only its keyed hash remains, so a later
    request from the same address finds the same row."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        return subscription
    subscription.status = Subscription.Status.UNSUBSCRIBED
    subscription.unsubscribed_at = timezone.now()
    subscription.contact = ""
    subscription.code_hash = ""
    subscription.save()
    access_log_record(
        actor=None,
        action=AccessLogEntry.Action.DELETE,
        subject=subscription,
        purpose="Resident unsubscribed; address erased",
        details={"fields": ["contact"], "source": source},
    )
    return subscription


def subscriptions_purge(*, older_than_days: int) -> int:
    """Erase requests never confirmed within ``older_than_days`` days (with their address)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = Subscription.objects.filter(status=Subscription.Status.PENDING, created_at__lt=cutoff)
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            return 0
        Subscription.objects.filter(pk__in=ids).delete()
        access_log_record(
            actor=None,
            action=AccessLogEntry.Action.DELETE,
            subject_type="outreach.subscription",
            purpose="Unconfirmed subscription requests purged",
            details={"count": len(ids), "older_than_days": older_than_days},
        )
    return len(ids)


# --- Source material from Krisinformation.se ----------------------------------------------
def sources_import(*, kind: str, payload: Any = None) -> tuple[int, int]:
    """Fetch (or read ``payload``) and store new or changed items; returns (new, updated)."""
    if kind not in SourceItem.Source.values:
        raise ValueError(f"Unknown source {kind!r}")
    if payload is None:
        payload = krisinformation.fetch(kind)
    records = krisinformation.parse(kind, payload)
    new = updated = 0
    with transaction.atomic():
        for record in records:
            values = {
                "headline": record.headline,
                "preamble": record.preamble,
                "body": record.body,
                "web": record.web,
                "area": record.area,
                "sender_name": record.sender_name,
                "language": record.language,
                "message_type": record.message_type,
                "references": record.references,
                "published_at": record.published_at,
                "updated_at": record.updated_at,
                "raw": record.raw,
            }
            item = SourceItem.objects.filter(source=kind, identifier=record.identifier).first()
            if item is None:
                SourceItem.objects.create(source=kind, identifier=record.identifier, **values)
                new += 1
            elif item.raw != record.raw:
                for name, value in values.items():
                    setattr(item, name, value)
                item.imported_at = timezone.now()
                item.save()
                updated += 1
    return new, updated
