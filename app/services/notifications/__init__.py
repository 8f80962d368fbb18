"""Reminders to units: which are due and their outbox and sending (``reminders``), and the
texts of the mails (``mail_texts``).
"""
