"""Reading a call list from a CSV file: every row checked, nothing added until confirmed.

Files come from spreadsheets on ordinary office computers, so this module is forgiving about
what it can be sure of (a byte-order mark, UTF-16 with a mark, ``;`` or tab separators,
Swedish column names, language names in Swedish, English or the language itself) and strict
about the rest: a row it cannot read is rejected with its reason, never guessed. A file that
is not UTF-8 is read as Windows-1252 (what Excel saves in Sweden) and the preview says so, so
the coordinator checks the district names before confirming.

Pure functions: the service passes in what is already on the list and the do-not-call check.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from megafonen.outreach.languages import language_aliases
from megafonen.outreach.phones import call_number_normalise

COLUMN_ALIASES: dict[str, set[str]] = {
    "phone": {
        "phone",
        "phone number",
        "telephone",
        "mobile",
        "number",
        "tel",
        "telefon",
        "telefonnummer",
        "nummer",
        "mobil",
        "mobilnummer",
    },
    "language": {"language", "lang", "språk", "sprak"},
    "district": {"district", "area", "stadsdel", "område", "omrade"},
    "consent": {"consent", "note", "samtycke", "anteckning"},
}
REQUIRED_COLUMNS = ("phone", "language")

# Why a row was not taken, in the words the coordinator reads (in her own language).
REASONS: dict[str, str | Promise] = {
    "phone_missing": _("No phone number."),
    "phone_invalid": _("“%(value)s” is not a phone number. Write it with the area code."),
    "language_missing": _("No language."),
    "language_unknown": _("“%(value)s” is not a language we know. Write for example so or Somali."),
    "language_not_in_campaign": _("%(value)s is not one of this campaign's languages."),
    "district_unknown": _("“%(value)s” is not a district we know."),
    "district_not_in_campaign": _("%(value)s is not one of this campaign's districts."),
    "duplicate_in_file": _("The same number as row %(other)s."),
    "already_on_list": _("This number is already on the campaign's list."),
    "do_not_call": _("This number is on the do-not-call list: it must never be called."),
}

FILE_PROBLEMS: dict[str, str | Promise] = {
    "empty": _("The file is empty."),
    "excel": _(
        "This is an Excel workbook, not a CSV file. In Excel choose Save as, then “CSV UTF-8 "
        "(comma delimited)”, and upload that file."
    ),
    "encoding": _(
        "The file's characters cannot be read: it is neither UTF-8 nor a text file we "
        "recognise. Save it as “CSV UTF-8” and upload it again."
    ),
    "missing_columns": _(
        "The first row must name the columns. Missing: %(columns)s. Needed: phone and "
        "language; district and consent may be added."
    ),
    "too_many_rows": _("The file has more than %(limit)s rows. Split it into smaller files."),
    "too_large": _("The file is larger than %(limit)s KB. Split it into smaller files."),
}

ENCODING_NOTES: dict[str, str | Promise] = {
    "windows-1252": _(
        "The file was not saved as UTF-8, so it was read as Windows-1252 (what Excel uses in "
        "Sweden). Check that names with å, ä and ö look right below before you add the rows."
    ),
    "utf-16": _("The file was saved as UTF-16 and was read as such."),
}


@dataclass(frozen=True)
class DistrictRef:
    pk: int
    name: str
    slug: str


@dataclass
class ValidRow:
    row: int
    phone: str
    is_mobile: bool
    language: str
    district_id: int | None
    consent_note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "phone": self.phone,
            "is_mobile": self.is_mobile,
            "language": self.language,
            "district_id": self.district_id,
            "consent_note": self.consent_note,
        }


@dataclass
class RejectedRow:
    row: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "code": self.code, "params": self.params}


@dataclass
class CallListFile:
    encoding: str = ""
    problem: str = ""
    problem_params: dict[str, Any] = field(default_factory=dict)
    valid: list[ValidRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def reason_text(code: str, params: dict[str, Any]) -> str:
    """A rejection reason in the active language."""
    message = REASONS.get(code) or FILE_PROBLEMS.get(code) or code
    return str(message) % params if params else str(message)


def decode(data: bytes) -> tuple[str, str] | None:
    """The text and its encoding, or None when the bytes are not text we can read."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:  # UTF-16 without a mark, or not text at all
        return None
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return None


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def _column_key(name: str) -> str | None:
    cleaned = re.sub(r"\s+", " ", name.strip().strip('"').lower())
    for key, aliases in COLUMN_ALIASES.items():
        if cleaned in aliases:
            return key
    return None


def read_call_list(
    data: bytes,
    *,
    campaign_languages: Iterable[str],
    campaign_district_ids: set[int],
    districts: Iterable[DistrictRef],
    on_list: Callable[[str], bool],
    do_not_call: Callable[[str], bool],
    max_rows: int,
    default_consent: str,
) -> CallListFile:
    """Check every row of a call list file. ``on_list`` and ``do_not_call`` answer for an E.164
    number; ``campaign_district_ids`` empty means any district."""
    result = CallListFile()
    if not data.strip():
        result.problem = "empty"
        return result
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        result.problem = "excel"
        return result
    decoded = decode(data)
    if decoded is None:
        result.problem = "encoding"
        return result
    text, result.encoding = decoded
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(header_line))
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        result.problem = "empty"
        return result
    columns: dict[str, int] = {}
    for index, name in enumerate(rows[0]):
        key = _column_key(name)
        if key is not None and key not in columns:
            columns[key] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        result.problem = "missing_columns"
        result.problem_params = {"columns": ", ".join(missing)}
        return result
    if len(rows) - 1 > max_rows:
        result.problem = "too_many_rows"
        result.problem_params = {"limit": max_rows}
        return result

    aliases = language_aliases()
    allowed_languages = list(campaign_languages)
    by_district_name: dict[str, DistrictRef] = {}
    for district in districts:
        by_district_name[district.name.casefold()] = district
        by_district_name[district.slug.casefold()] = district
    seen: dict[str, int] = {}

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        raw_phone = cell(row, "phone")
        raw_language = cell(row, "language")
        raw_district = cell(row, "district")
        if not raw_phone:
            result.rejected.append(RejectedRow(number, "phone_missing"))
            continue
        try:
            phone, is_mobile = call_number_normalise(raw_phone)
        except ValidationError:
            result.rejected.append(RejectedRow(number, "phone_invalid", {"value": raw_phone[:40]}))
            continue
        if not raw_language:
            result.rejected.append(RejectedRow(number, "language_missing"))
            continue
        language = aliases.get(raw_language.casefold())
        if language is None:
            result.rejected.append(
                RejectedRow(number, "language_unknown", {"value": raw_language[:40]})
            )
            continue
        if language not in allowed_languages:
            result.rejected.append(
                RejectedRow(number, "language_not_in_campaign", {"value": raw_language[:40]})
            )
            continue
        district_id: int | None = None
        if raw_district:
            found = by_district_name.get(raw_district.casefold())
            if found is None:
                result.rejected.append(
                    RejectedRow(number, "district_unknown", {"value": raw_district[:60]})
                )
                continue
            if campaign_district_ids and found.pk not in campaign_district_ids:
                result.rejected.append(
                    RejectedRow(number, "district_not_in_campaign", {"value": found.name})
                )
                continue
            district_id = found.pk
        if phone in seen:
            result.rejected.append(RejectedRow(number, "duplicate_in_file", {"other": seen[phone]}))
            continue
        seen[phone] = number
        if do_not_call(phone):
            result.rejected.append(RejectedRow(number, "do_not_call"))
            continue
        if on_list(phone):
            result.rejected.append(RejectedRow(number, "already_on_list"))
            continue
        result.valid.append(
            ValidRow(
                row=number,
                phone=phone,
                is_mobile=is_mobile,
                language=language,
                district_id=district_id,
                consent_note=(cell(row, "consent") or default_consent)[:300],
            )
        )
    return result
