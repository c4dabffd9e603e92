"""REST API under /api/v1. Importing the route modules registers their routes on the blueprint."""
from . import (admin_routes, agent_routes, appointment_routes, check_in_routes, comment_routes, console_routes, device_routes,  # noqa: F401  (registration by import)
               fault_routes, hall_routes, openapi, queue_routes, remote_routes, report_routes, roster_routes, round_routes,
               survey_routes, ticket_action_routes, ticket_logo_routes, wall_star_routes)
from .core import api, register_error_handlers

__all__ = ["api", "register_error_handlers"]
