"""What tests share: clients, request builders, stream readers, signed webhooks.
Fixtures stay in conftest.py files; test modules import helpers from here only,
never from one another."""
