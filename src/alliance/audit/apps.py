from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "alliance.audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Failed sign-ins are audited through Django's own auth signal: the only hook Django
        # offers for them. Sign-ins and sign-outs name the member's organization, so care
        # records those (see care/apps.py).
        from django.contrib.auth import signals
        from django.core import checks as django_checks

        from . import checks, sign_ins

        signals.user_login_failed.connect(sign_ins.sign_in_failed, dispatch_uid="audit-failed")
        # Production without an audit key is refused like one without a secret key.
        django_checks.register(checks.audit_key_check, django_checks.Tags.security)
