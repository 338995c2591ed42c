"""Clients, episodes, sessions and administrations: models and services."""
