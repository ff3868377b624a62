"""The assemblies domain as the app mounts it: every page route and every API operation."""

from __future__ import annotations

from governance.assemblies import (
    pages_assemblies,
    pages_delegates,
    pages_me,
    pages_proxies,
    pages_roll,
)
from governance.assemblies.api import api

routes = [*pages_assemblies.routes, *pages_delegates.routes, *pages_proxies.routes,
          *pages_roll.routes, *pages_me.routes]

__all__ = ["api", "routes"]
