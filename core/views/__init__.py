from .home import deadline_list, healthz, home, page_not_found, permission_denied, server_error

__all__ = [
    "deadline_list",
    "healthz",
    "home",
    "page_not_found",
    "permission_denied",
    "server_error",
]
