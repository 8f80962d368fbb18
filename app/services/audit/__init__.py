"""The trails: each unit's keyed, hash-chained audit events with their head and seal
(``unit_trail``), and the administration trail of accounts, tokens, calendar and batch
actions (``admin_trail``).
"""
