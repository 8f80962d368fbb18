"""Use cases: one function each, owning its transaction. Views, API, CLI and jobs call these."""
