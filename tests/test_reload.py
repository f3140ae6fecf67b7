"""A running server follows the publication: new releases and settings-only rebuilds."""

from __future__ import annotations

from datetime import date

import requests

from kfl_lod.build import build

ASK_EMAIL = "ASK { ?contact <http://www.w3.org/2006/vcard/ns#hasEmail> <mailto:kultura@example.org> }"


def ask(url: str, query: str) -> bool:
    response = requests.get(
        f"{url.rstrip('/')}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["boolean"]


def test_settings_only_rebuild_reaches_the_sparql_store_without_restart(settings, start_server):
    build(settings, today=date(2026, 3, 2))
    url = start_server(settings)
    assert not ask(url, ASK_EMAIL)
    changed = settings.replace(contact_email="kultura@example.org")
    result = build(changed, today=date(2026, 3, 3))
    assert result.published is not None and not result.published.new_release  # same content, no new release
    assert ask(url, ASK_EMAIL)
