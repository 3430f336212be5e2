from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from megafonen.outreach.views import calls, figures, hotline, public, questions, staff

app_name = "outreach"

urlpatterns: list[URLPattern | URLResolver] = [
    # Staff and partners (before the topic slugs, which could otherwise take "staff").
    path("staff/", staff.workspace, name="workspace"),
    path("staff/new/", staff.topic_create, name="topic_create"),
    path("staff/reach/", staff.reach, name="reach"),
    path("staff/sources/", staff.sources, name="sources"),
    path("staff/sources/<int:pk>/use/", staff.source_use, name="source_use"),
    path("staff/glossary/<str:language>/", staff.glossary, name="glossary"),
    path("staff/broadcasts/<int:pk>/", staff.broadcast_detail, name="broadcast_detail"),
    path("staff/translations/<int:pk>/", staff.translation_review, name="translation_review"),
    path("staff/translations/<int:pk>/edit/", staff.translation_edit, name="translation_edit"),
    path(
        "staff/translations/<int:pk>/recording/",
        staff.translation_recording,
        name="translation_recording",
    ),
    # Calls, the hotline, figures and questions (before the topic slugs, for the same reason).
    path("staff/calls/", calls.calls_home, name="calls_home"),
    path("staff/calls/new/", calls.campaign_create, name="campaign_create"),
    path("staff/calls/do-not-call/", calls.do_not_call, name="do_not_call"),
    path("staff/calls/<int:pk>/", calls.campaign_detail, name="campaign_detail"),
    path("staff/calls/<int:pk>/edit/", calls.campaign_edit, name="campaign_edit"),
    path("staff/calls/<int:pk>/close/", calls.campaign_close, name="campaign_close"),
    path("staff/calls/<int:pk>/scripts/<str:language>/", calls.script_edit, name="script_edit"),
    path("staff/calls/<int:pk>/add/", calls.contact_add, name="contact_add"),
    path("staff/calls/<int:pk>/remove/", calls.contact_remove, name="contact_remove"),
    path("staff/calls/<int:pk>/import/", calls.import_upload, name="import_upload"),
    path("staff/calls/<int:pk>/next/", calls.call_next, name="call_next"),
    path("staff/calls/imports/<int:pk>/", calls.import_preview, name="import_preview"),
    path("staff/calls/call/<int:pk>/", calls.call, name="call"),
    path("staff/calls/call/<int:pk>/release/", calls.call_release, name="call_release"),
    path("staff/calls/corrections/<slug:slug>/", calls.correction_open, name="correction_open"),
    path("staff/hotline/", hotline.hotline_staff, name="hotline_staff"),
    path("staff/hotline/log/", hotline.hotline_log, name="hotline_log"),
    path("staff/hotline/shifts/<int:pk>/remove/", hotline.shift_remove, name="shift_remove"),
    path("staff/figures/", figures.figures, name="figures"),
    path("staff/figures.csv", figures.figures_export, name="figures_csv"),
    path("staff/questions/", questions.questions_index, name="questions_index"),
    path("staff/questions/new/", questions.question_submit, name="question_submit"),
    path("staff/answers/<int:pk>/", questions.answer_detail, name="answer_detail"),
    path(
        "staff/answers/<int:pk>/translate/<str:language>/",
        questions.answer_translate,
        name="answer_translate",
    ),
    path("staff/answers/<int:pk>/<str:action>/", questions.answer_action, name="answer_action"),
    path("staff/<slug:slug>/", staff.topic_workspace, name="topic_workspace"),
    path("staff/<slug:slug>/open-close/", staff.topic_toggle, name="topic_toggle"),
    path("staff/<slug:slug>/levels/", staff.partner_levels, name="partner_levels"),
    path("staff/<slug:slug>/questions/", questions.question_queue, name="question_queue"),
    path("staff/<slug:slug>/questions/answer/", questions.answer_create, name="answer_create"),
    path("staff/<slug:slug>/bulletins/new/", staff.bulletin_create, name="bulletin_create"),
    path("staff/<slug:slug>/bulletins/<int:pk>/", staff.bulletin_detail, name="bulletin_detail"),
    path("staff/<slug:slug>/bulletins/<int:pk>/edit/", staff.bulletin_edit, name="bulletin_edit"),
    path(
        "staff/<slug:slug>/bulletins/<int:pk>/<str:action>/",
        staff.bulletin_action,
        name="bulletin_action",
    ),
    path(
        "staff/<slug:slug>/translate/<str:language>/",
        staff.translation_start,
        name="translation_start",
    ),
    # Residents
    path("", public.topic_list, name="topic_list"),
    path("hotline/", hotline.hotline_public, name="hotline"),
    path(
        "subscriptions/<str:public_id>/", public.subscription_confirm, name="subscription_confirm"
    ),
    path("subscriptions/<str:public_id>/stop/", public.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", public.topic_detail, name="topic"),
    path("<slug:slug>/subscribe/", public.subscribe, name="subscribe"),
    path("<slug:slug>/ask/", questions.ask, name="ask"),
    path("<slug:slug>/leaflet.pdf", public.leaflet, name="leaflet"),
    path("<slug:slug>/audio/<int:pk>/", public.read_aloud, name="read_aloud"),
    path("<slug:slug>/feed.atom", public.atom, name="atom"),
    path("<slug:slug>/cap.xml", public.cap_current, name="cap"),
    path("<slug:slug>/cap/<int:number>.xml", public.cap_version, name="cap_version"),
    path("<slug:slug>/topic.json", public.topic_json, name="topic_json"),
]
