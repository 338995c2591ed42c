"""The Django project: settings read from the environment only, urls, wsgi."""
