"""Disclosure payload formats and publishers. No Flask, no database session."""
