"""Open311 GeoReport v2 for the needs box: discovery, services, service definitions, and
service requests (filed with POST, read with GET), in JSON and XML.

What the public GET shows of a need is only what cannot point to a resident: its number, status,
category, district, the organisations answering it and the *day* it was sent and last changed.
Never its text (even masked, a resident's own words can identify her), never contact details,
placement, exact times or location. Hidden needs do not exist for the API.

Filing needs (POST) takes an API key that city administrators create in the administration site;
only a hash of the key is stored. Every bad request is answered with the standard's error list
(``[{"code": 400, "description": "..."}]``), never with a server error page.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from megafonen.core.languages import BY_CODE
from megafonen.core.models import District
from megafonen.core.permissions import public_view
from megafonen.core.throttle import throttle_allow
from megafonen.messaging.phone import phone_normalise
from megafonen.needs import codes, services
from megafonen.needs.forms import TEXT_MIN_LENGTH, plain_text_validate
from megafonen.needs.models import (
    TEXT_MAX_LENGTH,
    ApiClient,
    Category,
    ContactChannel,
    Need,
    NeedRouting,
    NeedStatus,
)
from megafonen.needs.queries import first
from megafonen.needs.translations import enabled_codes

logger = logging.getLogger(__name__)

CHANGESET = "2026-11-23T00:00:00Z"
FORMATS = {"json": "application/json", "xml": "text/xml"}
LIST_LIMIT = 1000
DEFAULT_SPAN = timedelta(days=90)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


# --- Rendering ---------------------------------------------------------------------------------
def _fill(element: ElementTree.Element, value: Any) -> None:
    """JSON-shaped data as GeoReport's XML: a list's items take the singular of its name."""
    if isinstance(value, list):
        item_tag = _singular(element.tag)
        for entry in value:
            _fill(ElementTree.SubElement(element, item_tag), entry)
    elif isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _singular(key: str) -> str:
    return {
        "services": "service",
        "service_requests": "request",
        "attributes": "attribute",
        "values": "value",
        "endpoints": "endpoint",
        "formats": "format",
        "errors": "error",
    }.get(key, key)


def _xml(root: str, payload: Any) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, payload)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>'
        + ElementTree.tostring(element, encoding="unicode").encode()
    )


def _respond(fmt: str, root: str, payload: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = _xml(root, payload)
    else:
        body = json.dumps(payload, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=f"{FORMATS[fmt]}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(fmt: str, code: int, description: str) -> HttpResponse:
    return _respond(
        fmt if fmt in FORMATS else "json",
        "errors",
        [{"code": code, "description": description}],
        status=code,
    )


def open311_endpoint(
    methods: Iterable[str],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    allowed = set(methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return _error("json", 400, f"Unknown format {fmt[:10]!r}: use json or xml.")
            if request.method not in allowed:
                response = _error(fmt, 405, f"Use {' or '.join(sorted(allowed))}.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return _error(fmt, error.code, error.description)

        return public_view(csrf_exempt(wrapped))

    return decorator


# --- Discovery and services --------------------------------------------------------------------
def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@open311_endpoint(["GET"])
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = _absolute(reverse("open311_root"))
    return _respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": f"{settings.CITY_NAME}: {settings.PRIVACY_CONTACT_EMAIL}",
            "key_service": _absolute("/admin/")
            + " (API keys are given out by the city's administrators)",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base.rstrip("/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": list(FORMATS.values()),
                }
            ],
        },
    )


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name("sv"),
        "description": category.name("en"),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(sorted({name for name in category.names.values() if name})),
        "group": "Behovsboxen",
    }


@open311_endpoint(["GET"])
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _respond(fmt, "services", [_service(c) for c in Category.objects.active()])


def _attributes() -> list[dict[str, Any]]:
    districts = list(District.objects.filter(is_active=True))
    languages = [(code, BY_CODE[code].endonym) for code in enabled_codes()]
    return [
        {
            "variable": True,
            "code": "district",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 1,
            "description": "The district the need is in (the address_string may name it too).",
            "values": [{"key": district.slug, "name": district.name} for district in districts],
        },
        {
            "variable": True,
            "code": "language",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 2,
            "description": "The language the resident uses, for answers and messages.",
            "values": [{"key": code, "name": name} for code, name in languages],
        },
        {
            "variable": True,
            "code": "contact_consent",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 3,
            "description": (
                "Required as 'yes' when email or phone is given: the resident agrees that the "
                "city keeps her contact details to answer her, and deletes them afterwards."
            ),
            "values": [{"key": "yes", "name": "Yes"}],
        },
    ]


@open311_endpoint(["GET"])
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    category = Category.objects.active().filter(code=service_code[:40]).first()
    if category is None:
        raise Open311Error(404, f"No service with the code {service_code[:40]!r}.")
    return _respond(
        fmt,
        "service_definition",
        {"service_code": category.code, "attributes": _attributes()},
    )


# --- Service requests --------------------------------------------------------------------------
_STATUS_NOTES = {
    NeedStatus.RECEIVED: "Received; the receivers have been told.",
    NeedStatus.IN_PROGRESS: "A receiver is working on it.",
    NeedStatus.ANSWERED: "Answered.",
    NeedStatus.REOPENED: "Opened again by the resident.",
    NeedStatus.CLOSED: "Closed.",
}


def _day(moment: datetime) -> str:
    """The day only, as midnight in the city's time zone: exact times could point to the
    person who stood at a screen."""
    local = timezone.localtime(moment)
    midnight = datetime.combine(local.date(), time.min, tzinfo=local.tzinfo)
    return midnight.isoformat()


def _request(need: Need) -> dict[str, Any]:
    return {
        "service_request_id": str(need.pk),
        "status": "open" if need.is_open else "closed",
        "status_notes": _STATUS_NOTES[NeedStatus(need.status)],
        "service_name": need.category.name("sv"),
        "service_code": need.category.code,
        "description": None,
        "agency_responsible": ", ".join(
            routing.organisation.name for routing in need.routings.all()
        )
        or settings.CITY_NAME,
        "service_notice": None,
        "requested_datetime": _day(need.created_at),
        "updated_datetime": _day(need.updated_at),
        "expected_datetime": None,
        "address": need.district.name if need.district else None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _needs() -> Any:
    return (
        Need.objects.visible()
        .select_related("category", "district")
        .prefetch_related(
            Prefetch("routings", queryset=NeedRouting.objects.select_related("organisation"))
        )
    )


def _moment(raw: str, name: str) -> datetime:
    value = parse_datetime(raw) if "T" in raw else None
    if value is None:
        day = None
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            raise Open311Error(
                400, f"{name} must be a W3C date and time, like 2026-01-31T00:00:00Z."
            )
        value = datetime.combine(day, time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    needs = _needs()
    if params.get("service_request_id"):
        ids = [part.strip() for part in params["service_request_id"].split(",") if part.strip()]
        if not ids or len(ids) > LIST_LIMIT or not all(part.isdigit() for part in ids):
            raise Open311Error(400, "service_request_id must be numbers, separated by commas.")
        found = needs.filter(pk__in=[int(part) for part in ids])
        return _respond(fmt, "service_requests", [_request(need) for need in found])
    try:
        end = _moment(params["end_date"], "end_date") if params.get("end_date") else None
        start = _moment(params["start_date"], "start_date") if params.get("start_date") else None
    except (ValueError, OverflowError):
        raise Open311Error(400, "The dates must be W3C dates and times.") from None
    if end is None:
        end = timezone.now() if start is None else start + DEFAULT_SPAN
    if start is None:
        start = end - DEFAULT_SPAN
    if start > end:
        raise Open311Error(400, "start_date must come before end_date.")
    needs = needs.filter(created_at__gte=start, created_at__lte=end)
    if params.get("service_code"):
        needs = needs.filter(category__code__in=params["service_code"].split(","))
    status = params.get("status", "")
    if status:
        wanted = {part.strip() for part in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed.")
        if wanted == {"open"}:
            needs = needs.exclude(status=NeedStatus.CLOSED)
        elif wanted == {"closed"}:
            needs = needs.filter(status=NeedStatus.CLOSED)
    rows = [_request(need) for need in needs.order_by("-created_at")[:LIST_LIMIT]]
    return _respond(fmt, "service_requests", rows)


def _api_client(request: HttpRequest) -> ApiClient:
    key = request.POST.get("api_key", "")
    client = (
        first(ApiClient.objects.filter(key_hash=codes.api_key_hash(key), is_active=True))
        if key
        else None
    )
    if client is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    return client


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    if not throttle_allow(
        scope="needs.open311",
        request=request,
        limit=settings.NEEDS_OPEN311_PER_HOUR,
        window_seconds=3600,
    ):
        raise Open311Error(429, "Too many requests from this client; try again later.")
    client = _api_client(request)
    data = request.POST
    category = Category.objects.active().filter(code=data.get("service_code", "")[:40]).first()
    if category is None:
        raise Open311Error(400, "service_code is missing or names no service.")
    description = data.get("description", "").strip()
    if len(description) < TEXT_MIN_LENGTH:
        raise Open311Error(400, "description is required: the need in the resident's words.")
    if len(description) > TEXT_MAX_LENGTH:
        raise Open311Error(400, f"description is too long: at most {TEXT_MAX_LENGTH} characters.")
    try:
        plain_text_validate(description)
    except ValidationError:
        raise Open311Error(400, "description must be plain text, without markup.") from None
    for coordinate in ("lat", "long"):
        if data.get(coordinate):
            try:
                float(data[coordinate])
            except ValueError:
                raise Open311Error(400, f"{coordinate} must be a number.") from None
    district = _district(data)
    language = data.get("attribute[language]", "") or settings.LANGUAGE_CODE
    if language not in enabled_codes():
        raise Open311Error(400, "attribute[language] names no language of the platform.")
    channel, address = _contact(data)
    submitted = services.need_submit(
        category=category,
        text=description,
        page_language=language,
        submission_key=codes.submission_key_mint(),
        district=district,
        contact_channel=channel,
        contact_address=address,
        contact_language=language,
        source=Need.Source.OPEN311,
        api_client=client,
    )
    services.api_client_used(client=client)
    notice = (
        f"Receipt code for the resident: {codes.receipt_format(submitted.receipt_code)}. "
        f"She reads answers at {settings.SITE_URL}{reverse('needs:follow_up')}"
    )
    return _respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": str(submitted.need.pk),
                "service_notice": notice,
                "account_id": None,
            }
        ],
        status=201,
    )


def _district(data: Any) -> District | None:
    wanted = data.get("attribute[district]", "").strip()
    if wanted:
        district = District.objects.filter(slug=wanted[:100], is_active=True).first()
        if district is None:
            raise Open311Error(400, "attribute[district] names no district.")
        return district
    address = data.get("address_string", "").strip()[:200]
    if address:
        for district in District.objects.filter(is_active=True):
            if district.name.lower() in address.lower():
                return district
    return None


def _contact(data: Any) -> tuple[str, str]:
    email = data.get("email", "").strip()
    phone = data.get("phone", "").strip()
    if not email and not phone:
        return ContactChannel.NONE, ""
    if data.get("attribute[contact_consent]", "") != "yes":
        raise Open311Error(
            400, "email or phone needs attribute[contact_consent]=yes: the resident's consent."
        )
    if phone:
        try:
            return ContactChannel.SMS, phone_normalise(phone, mobile_only=True)
        except ValidationError:
            raise Open311Error(400, "phone is not a mobile number.") from None
    try:
        validate_email(email)
    except ValidationError:
        raise Open311Error(400, "email is not an e-mail address.") from None
    if len(email) > 254:
        raise Open311Error(400, "email is too long.")
    return ContactChannel.EMAIL, email.lower()


@open311_endpoint(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


@open311_endpoint(["GET"])
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    if not request_id.isdigit() or len(request_id) > 18:
        raise Open311Error(404, "No service request with this id.")
    need = first(_needs().filter(pk=int(request_id)))
    if need is None:
        raise Open311Error(404, "No service request with this id.")
    return _respond(fmt, "service_requests", [_request(need)])


@public_view
def root(request: HttpRequest) -> HttpResponse:
    """``/open311/v2/``: where the discovery document is."""
    return _respond(
        "json",
        "discovery",
        {"discovery": _absolute(reverse("open311_discovery", kwargs={"fmt": "json"}))},
    )
