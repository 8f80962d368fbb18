"""The staff side: accounts and API tokens (``accounts``), sign-in, lockouts and passwords
(``signin``), the work queue (``queue``) and the holiday calendar they enter
(``holidays``).
"""
