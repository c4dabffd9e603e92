"""REST API under /api/v1. Importing the route modules registers their routes on the blueprint."""
# Importing the route modules registers their routes.
from . import (admin_routes, comment_routes, device_routes, openapi, queue_routes,  # noqa: F401
               report_routes, wall_star_routes)
from .core import api, register_error_handlers

__all__ = ["api", "register_error_handlers"]
