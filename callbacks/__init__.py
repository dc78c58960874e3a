"""Callback registration, one module per feature; app.py calls each module's register(app)."""
