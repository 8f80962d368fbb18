"""The JSON API (``/api/v1``): staff calls with bearer tokens, the public lookup, the disclosure
pipeline and /metrics. ``app.api.setup`` binds it to an app."""
