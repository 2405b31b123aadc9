"""SBOM writers and readers (CycloneDX, SPDX, native JSON, table)."""
