"""Report models and writers."""
