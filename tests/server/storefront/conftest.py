from __future__ import annotations

from tests.server.admin.conftest import admin, admin_headers
from tests.server.payments.conftest import headers, student

__all__ = ["admin", "admin_headers", "headers", "student"]
