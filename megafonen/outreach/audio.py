"""Read-aloud audio: speech synthesised offline with espeak-ng and encoded to small MP3
files (about 4 KB a second, for cheap phones on weak networks), and checks on recordings
that ambassadors upload."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from megafonen.outreach.languages import espeak_voice

MP3_BIT_RATE = 32  # kbit/s: speech stays clear, a minute is about 240 KB


class SynthesisError(Exception):
    pass


def synthesis_available(language: str) -> bool:
    """Whether audio can be generated for ``language`` on this machine."""
    command = settings.OUTREACH_ESPEAK_COMMAND
    return bool(command and espeak_voice(language) and shutil.which(command))


def speech_mp3(text: str, *, language: str) -> bytes:
    """Speak ``text`` with espeak-ng's voice for ``language`` and return it as MP3."""
    voice = espeak_voice(language)
    command = shutil.which(settings.OUTREACH_ESPEAK_COMMAND or "")
    if voice is None or command is None:
        raise SynthesisError(f"No voice for {language}")
    with tempfile.TemporaryDirectory(prefix="megafonen-speech-") as directory:
        source = Path(directory) / "text.txt"
        target = Path(directory) / "speech.wav"
        source.write_text(text, encoding="utf-8")
        # The text goes in through a file, never the command line: no shell, no injection,
        # no length limit. -s 150: a little slower than the default, for new speakers.
        completed = subprocess.run(  # noqa: S603
            [command, "-v", voice, "-s", "150", "-f", str(source), "-w", str(target)],
            capture_output=True,
            timeout=settings.OUTREACH_SPEECH_TIMEOUT_SECONDS,
            check=False,
        )
        if completed.returncode != 0 or not target.is_file():
            raise SynthesisError(
                completed.stderr.decode(errors="replace")[:200] or "espeak-ng failed"
            )
        with wave.open(str(target), "rb") as recording:
            frames = recording.readframes(recording.getnframes())
            rate, channels = recording.getframerate(), recording.getnchannels()
    encoder: Any = importlib.import_module("lameenc").Encoder()
    encoder.set_bit_rate(MP3_BIT_RATE)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(channels)
    encoder.set_quality(5)
    return bytes(encoder.encode(frames) + encoder.flush())


@dataclass(frozen=True)
class AudioKind:
    content_type: str
    extension: str


# Recognised by their first bytes, never by the name or the type the browser claims.
def audio_kind(head: bytes) -> AudioKind | None:
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return AudioKind("audio/mpeg", "mp3")
    if head.startswith(b"OggS"):
        return AudioKind("audio/ogg", "ogg")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return AudioKind("audio/wav", "wav")
    if head[4:8] == b"ftyp":
        return AudioKind("audio/mp4", "m4a")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return AudioKind("audio/webm", "webm")
    return None


ALLOWED_EXTENSIONS = {"mp3", "ogg", "oga", "opus", "wav", "m4a", "mp4", "aac", "webm"}
NOT_AUDIO = _(
    "This file is not a recording we can play. Upload an MP3, M4A, OGG, WAV or WebM file."
)


def recording_check(upload: Any) -> AudioKind:
    """Refuse anything but an audio file of a known kind within the size limit."""
    limit = settings.OUTREACH_RECORDING_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("The recording is too large: at most %(megabytes)s MB."),
            code="too_large",
            params={"megabytes": settings.OUTREACH_RECORDING_MAX_MB},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(NOT_AUDIO, code="extension")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = audio_kind(head)
    if kind is None:
        raise ValidationError(NOT_AUDIO, code="content")
    return kind
