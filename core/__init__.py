"""The project's infrastructure, shared by every app: no models, and it imports no app.

See docs/architecture.md ("Rooms") for what lives here and the import rules
(tests/test_import_rules.py).
"""
