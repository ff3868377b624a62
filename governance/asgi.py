"""The ASGI application for `asamblea serve` and any ASGI server: settings from the environment."""

from governance.app import create_app

app = create_app()
