from django.apps import AppConfig


class RespondConfig(AppConfig):
    name = "alliance.respond"
    label = "respond"
