"""Reporting: the detachment's figures for a period and a street (the annual report's
paragraph and the credit work), each counted once, in set-based queries."""
