from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "alliance.audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Sign-ins and sign-outs are audited through Django's own auth signals: the only
        # hook Django offers for them.
        from django.contrib.auth import signals

        from . import sign_ins

        signals.user_logged_in.connect(sign_ins.signed_in, dispatch_uid="audit-in")
        signals.user_logged_out.connect(sign_ins.signed_out, dispatch_uid="audit-out")
        signals.user_login_failed.connect(sign_ins.sign_in_failed, dispatch_uid="audit-failed")
