from django.urls import path

from . import (
    admin_views,
    amend_views,
    client_views,
    episode_views,
    paper_views,
    rupture_views,
    session_views,
    views,
)

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("clients/<int:pk>/", client_views.client_detail, name="client"),
    path("clients/<int:pk>/sessions/", session_views.session_start, name="session-start"),
    path("sessions/<int:pk>/", session_views.session_detail, name="session"),
    path("clients/<int:pk>/plan/", views.episode_plan, name="episode-plan"),
    path(
        "sessions/<int:pk>/therapist-forms/",
        session_views.session_therapist_forms,
        name="session-therapist-forms",
    ),
    path("clients/<int:pk>/export.json", views.client_export, name="client-export"),
    path("clients/<int:pk>/erase/", views.client_erase, name="client-erase"),
    path("links/<int:pk>/revoke/", session_views.link_revoke, name="link-revoke"),
    path("sessions/<int:pk>/kiosk/", session_views.session_kiosk, name="session-kiosk"),
    path("sessions/<int:pk>/paper/<str:instrument>/", paper_views.paper_form, name="paper-form"),
    path("sessions/<int:pk>/status/", session_views.session_status, name="session-status"),
    path("signals/<int:pk>/acknowledge/", views.signal_acknowledge, name="signal-acknowledge"),
    path("clients/<int:pk>/ruptures/", rupture_views.rupture_record, name="rupture-record"),
    path("ruptures/<int:pk>/steps/", rupture_views.repair_step_record, name="repair-step"),
    path("ruptures/<int:pk>/outcome/", rupture_views.rupture_outcome, name="rupture-outcome"),
    path("forms/<int:pk>/correct/", amend_views.form_correct, name="form-correct"),
    path("members/", admin_views.members, name="members"),
    path("members/<int:pk>/active/", admin_views.member_active, name="member-active"),
    path("members/<int:pk>/supervises/", admin_views.member_supervises, name="member-supervises"),
    path("break-glass/", admin_views.break_glass_page, name="break-glass"),
    path("clients/<int:pk>/discharge/", episode_views.episode_discharge, name="episode-discharge"),
    path("clients/<int:pk>/episodes/", episode_views.episode_begin, name="episode-begin"),
    path("clients/transfer/", episode_views.client_transfer, name="client-transfer"),
]
