"""Units online: a unit's self-service (``selfservice``) with its access code (``access``)
and uploaded proofs (``uploads``), and the public lookup (``public``).
"""
