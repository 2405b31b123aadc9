"""Tests of the Dockerfile linter."""
