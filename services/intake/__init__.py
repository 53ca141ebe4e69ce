"""Member intake: the web form, the JSON API, CSV/ICS imports and the accounts behind them.

A library publishes, edits and cancels only its own activities, whichever way it
posts: the form and the API check the session or bearer token, the CLI checks
``--as``, and the broker checks the per-library NATS users (``nats_users``).
"""
