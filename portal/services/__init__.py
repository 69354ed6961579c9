"""Business logic as verb_noun functions: they flush, the edge (view, job, CLI) commits."""
