"""The casework: units (``units``), their enforcement records in the four categories with
payments and rectifications (``records``), and the rules a record must satisfy
(``record_rules``).
"""
