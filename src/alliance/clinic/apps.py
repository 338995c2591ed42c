from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "alliance.clinic"
    label = "clinic"
