from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "alliance.care"
    label = "care"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Sign-ins and sign-outs are audited through Django's own auth signals, the only hook
        # Django offers for them; here rather than in the audit app because the entry names
        # the member's organization, which only care knows.
        from django.contrib.auth import signals

        from . import sign_ins

        signals.user_logged_in.connect(sign_ins.signed_in, dispatch_uid="audit-in")
        signals.user_logged_out.connect(sign_ins.signed_out, dispatch_uid="audit-out")
