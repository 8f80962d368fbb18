"""State machines as data: no Flask, no database session."""
