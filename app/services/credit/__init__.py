"""The credit use cases: a unit's status, facts and obligations (``status``), listing and
its end (``listings``), restoration requests and their decisions (``requests``,
``restoration``), a penalty's own publicity and its restoration (``record_publicity``,
``record_restoration``), revocation with four eyes (``revocations``), the allowed triggers of
a unit (``triggers``) and the daily expiry sweep (``expiry``).
"""
