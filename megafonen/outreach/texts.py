"""Canonical text: fingerprints of what was verified, and the passages that changed."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field


def text_normalise(value: str) -> str:
    """NFC, Unix line ends, no trailing spaces, at most one blank line between paragraphs:
    two texts that read the same have the same fingerprint."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fingerprint(fields: dict[str, object]) -> str:
    """SHA-256 of the fields as canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(
        {
            key: text_normalise(value) if isinstance(value, str) else value
            for key, value in fields.items()
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def paragraphs(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text_normalise(value)) if part.strip()]


_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")


def sentences(paragraph: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(paragraph.strip()) if part]


@dataclass
class Passage:
    """One paragraph of a comparison: unchanged, added, removed, or changed sentence by
    sentence (``parts`` then holds (kind, text) pairs with kind same/added/removed)."""

    kind: str
    old: str = ""
    new: str = ""
    parts: list[tuple[str, str]] = field(default_factory=list)


def changed_passages(old: str, new: str) -> list[Passage]:
    """Compare two texts by paragraph, and changed paragraphs by sentence, so a translator
    sees exactly which sentences to redo."""
    old_paragraphs, new_paragraphs = paragraphs(old), paragraphs(new)
    matcher = difflib.SequenceMatcher(a=old_paragraphs, b=new_paragraphs, autojunk=False)
    passages: list[Passage] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            passages.extend(
                Passage("same", text, text) for text in old_paragraphs[old_start:old_end]
            )
            continue
        olds, news = old_paragraphs[old_start:old_end], new_paragraphs[new_start:new_end]
        if tag == "delete":
            passages.extend(Passage("removed", old=text) for text in olds)
        elif tag == "insert":
            passages.extend(Passage("added", new=text) for text in news)
        else:
            for index in range(max(len(olds), len(news))):
                before = olds[index] if index < len(olds) else ""
                after = news[index] if index < len(news) else ""
                if not before:
                    passages.append(Passage("added", new=after))
                elif not after:
                    passages.append(Passage("removed", old=before))
                else:
                    passages.append(
                        Passage("changed", before, after, _sentence_parts(before, after))
                    )
    return passages


def _sentence_parts(old: str, new: str) -> list[tuple[str, str]]:
    old_sentences, new_sentences = sentences(old), sentences(new)
    matcher = difflib.SequenceMatcher(a=old_sentences, b=new_sentences, autojunk=False)
    parts: list[tuple[str, str]] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            parts.extend(("same", text) for text in old_sentences[old_start:old_end])
            continue
        parts.extend(("removed", text) for text in old_sentences[old_start:old_end])
        parts.extend(("added", text) for text in new_sentences[new_start:new_end])
    return parts


def has_changes(passages: list[Passage]) -> bool:
    return any(passage.kind != "same" for passage in passages)
