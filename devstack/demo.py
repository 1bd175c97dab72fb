"""Demo users and demo pools, so the first screen of the local stack is not empty."""

from __future__ import annotations

from chalicelib.resources import FINANCE_GROUP, MANAGERS_GROUP

from .provision import DemoUser

DEMO_USERS = [
    DemoUser("manager@example.com", "Manager-demo-1", MANAGERS_GROUP, "Morgan Manager"),
    DemoUser("manager2@example.com", "Manager-demo-2", MANAGERS_GROUP, "Riley Second-Manager"),
    DemoUser("finance@example.com", "Finance-demo-1", FINANCE_GROUP, "Frances Finance"),
]
