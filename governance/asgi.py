"""The ASGI application for `asamblea serve` and any ASGI server: settings from the environment.

With ASAMBLEA_ACCESS_LOG on (the default), requests are logged to standard error in batches
(governance/web/access_log.py); `asamblea serve` turns uvicorn's own per-request log off.
"""

from governance.app import create_app
from governance.settings import Settings
from governance.web.access_log import AccessLog, AccessLogMiddleware

settings = Settings.from_env()
app = create_app(settings)
if settings.access_log:
    app = AccessLogMiddleware(app, AccessLog())  # type: ignore[assignment]
