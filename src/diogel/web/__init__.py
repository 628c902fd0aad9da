"""The web app and REST API: ``create_app(settings, store)``, served by ``diogel serve``."""

from diogel.web.app import create_app

__all__ = ["create_app"]
