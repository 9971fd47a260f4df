"""The contracts pages, one module per topic."""
