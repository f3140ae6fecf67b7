"""The read-only site as files: ``kfl-lod export-site DIR`` (docs/static-export.md).

- ``site``: every URL the app names, rendered by the app itself (Flask's test client), written
  as files under ``DIR/site/`` with a manifest of what each URL answers (status, media type).
- ``hosting``: the rewrite rules that give those files the server's answers without Python
  (nginx, Apache, a ``_redirects`` file for Netlify and Cloudflare Pages).
- ``search_index``: the search's data and word forms as JSON, for the search in the browser.

This package sits above ``web`` (it drives the app) and below ``cli``.
"""

from __future__ import annotations

from .site import ExportError, ExportResult, export_site

__all__ = ["ExportError", "ExportResult", "export_site"]
