"""The built-in report formats, one module each; :func:`hullguard.report.build_report_writers` finds them.

Every public module lists its writers in ``PLUGINS``; private modules (``_shared``) hold what
several formats must say the same way (result grouping, severity counts, fix texts).
"""
