"""Disclosure payload formats and publishers. No Flask, no database session."""

# The publishers a deployment may name (CREDITFLOW_PUBLISHER): files in a folder the platform
# collects, or the platform's HTTP interface.
PUBLISHERS = ("file", "http")
