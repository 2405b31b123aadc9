"""Hullguard: secure containers across their whole life.

The library is the product; the CLI (`hullguard.cli`) and the service are thin clients of it.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
