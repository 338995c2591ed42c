from django.apps import AppConfig


class EnrolConfig(AppConfig):
    name = "alliance.enrol"
    label = "enrol"
    default_auto_field = "django.db.models.BigAutoField"
