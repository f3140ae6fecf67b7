"""The web application: create_app(settings) -> Flask.

Blueprints: sparql (the SPARQL 1.1 endpoint), resources (dereferenceable URIs, dumps,
health), pages (the HTML pages NGOs use), releases (catalog, VoID, changes).
"""
