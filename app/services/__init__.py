"""The use cases, one package per capability; each package's docstring says what it owns.

``base`` (settings, today, firing machines), ``audit`` (the trails), ``casework`` (units and
records), ``credit`` (listing, restoration, publicity, revocation), ``disclosure`` (outbox to
platform), ``online`` (self-service and public lookup), ``notifications`` (reminders),
``staff`` (accounts, sign-in, work queue, holiday calendar). Entry points (API, pages, CLI,
scheduler jobs) call these; these call the workflows, publishers and models below.
"""
