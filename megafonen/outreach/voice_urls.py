"""The 46elks voice webhooks of the hotline: outside the language prefix, as 46elks calls a
fixed address. The secret token in the address is ``OUTREACH_HOTLINE_VOICE_TOKEN``."""

from __future__ import annotations

from django.urls import URLPattern, path

from megafonen.outreach.views import hotline

app_name = "outreach_voice"

urlpatterns: list[URLPattern] = [
    path("<str:token>/start", hotline.voice_start, name="start"),
    path("<str:token>/menu", hotline.voice_menu, name="menu"),
    path("<str:token>/connected", hotline.voice_connected, name="connected"),
    path("<str:token>/hangup", hotline.voice_hangup, name="hangup"),
]
