"""Maintainer tools of the ported Keras cases (not tests; they need Keras installed)."""
