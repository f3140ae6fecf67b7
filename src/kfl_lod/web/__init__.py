"""The web application: create_app(settings) -> Flask.

Blueprints (each in its own module):
- ``sparql``: the SPARQL 1.1 endpoint (/sparql)
- ``resources``: dereferenceable URIs (303 to documents), /dumps/, /healthz
- ``pages``: the HTML pages NGOs use (search, map, a page per thing, about)
- ``releases``: catalog, VoID (/.well-known/void), changes between releases, 410 Gone
- ``check``: the clerk's check page (/sprawdz), the template downloads, publishing from the browser
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask.json.provider import DefaultJSONProvider

from ..query.pool import Loader
from ..settings import Settings, load_settings
from .release import Release, Releases


def create_app(settings: Settings | None = None, query_store: Loader | None = None) -> Flask:
    """Build the Flask app serving one publication.

    ``query_store`` replaces what the SPARQL query processes load (default: the publication),
    e.g. a dataset of several named graphs; a picklable function returning a pyoxigraph Store.
    """
    settings = settings or load_settings()
    # No built-in /static route: it would shadow the pages' own, which sends our headers.
    app = Flask(__name__, static_folder=None)
    app.config["KFL_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False  # Polish letters as they are in JSON answers
    served = Releases(settings.published, settings.base, settings.store, settings.store_graphs, settings.store_poll)
    served.watch  # noqa: B018 - with an external engine: read what it serves before the first request
    app.extensions["kfl_releases"] = served
    app.before_request(_bind_release)
    app.after_request(_finish)
    if query_store is not None:
        app.extensions["kfl_query_store"] = query_store
    from . import check, pages, releases, resources, sparql  # they need the app's package, not the reverse

    for module in (sparql, resources, pages, releases, check):
        app.register_blueprint(module.bp)
    return app


def settings() -> Settings:
    """The settings of the app handling the current request."""
    return current_app.config["KFL_SETTINGS"]


def _bind_release() -> None:
    """Take the release this request is answered from, once, before anything reads data."""
    current_release()


def cacheable() -> None:
    """Mark the current request's answer as one the answer cache may keep (if it is a 200)."""
    request.environ["kfl.cacheable"] = True


# Sent with every answer unless a view set its own (issue 10: the 303 body, 405, 308, static
# files, error pages): no sniffing, no framing, no referrer beyond our origin.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _finish(response):
    """Name the answering release; give cacheable answers an ETag and Last-Modified; security headers."""
    from .headers import etag_of, not_modified

    release = g.get("kfl_release")
    if release is not None and release.name:
        response.headers["X-KFL-Release"] = release.name
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    location = response.headers.get("Location")
    if location and "://" in location:
        # Werkzeug's own redirects (/dumps -> /dumps/) name the Host the client sent: keep only
        # the path, which the client resolves against the URL it asked for.
        host = request.host_url.rstrip("/")
        if location.startswith(host):
            response.headers["Location"] = "/" + location[len(host) :].lstrip("/")
    csp = response.headers.get("Content-Security-Policy")
    if csp is None:
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    elif "frame-ancestors" not in csp:
        response.headers["Content-Security-Policy"] = csp + "; frame-ancestors 'none'"
    if not request.environ.get("kfl.cacheable"):
        return response
    if response.status_code != 200 or response.direct_passthrough or release is None:
        request.environ["kfl.cacheable"] = False
        return response
    if "ETag" not in response.headers:
        response.headers["ETag"] = release.etag(etag_of(response.get_data()))
    response.headers.setdefault("Last-Modified", release.last_modified)
    etag = response.headers["ETag"].strip('"')
    if not_modified(request, etag, None):
        response.status_code = 304
        response.set_data(b"")
        request.environ["kfl.cacheable"] = False
    return response


def current_release() -> Release:
    """The release the current request is answered from (taken once per request)."""
    release = g.get("kfl_release")
    if release is None:
        release = request.environ.get("kfl.release") or current_app.extensions["kfl_releases"].current()
        g.kfl_release = release
    return release


def client_address(environ: dict, settings: Settings) -> str:
    """The client's address: the peer, or what a configured trusted proxy says it forwarded for.

    X-Forwarded-For is read right to left, skipping trusted proxies, so a client cannot pick
    its own address by sending the header itself.
    """
    peer = environ.get("REMOTE_ADDR", "")
    trusted = settings.trusted_proxy
    if not trusted or peer not in trusted:
        return peer
    hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return peer


def forwarded_https(environ: dict, settings: Settings) -> bool:
    """Whether a trusted proxy says the client reached it over HTTPS (X-Forwarded-Proto, nearest hop).

    Behind a proxy that ends TLS the app itself is reached over plain HTTP; what must know the
    client's scheme (a cookie's Secure flag) asks here. From anyone else the header is ignored.
    """
    if environ.get("wsgi.url_scheme") == "https":
        return True
    if not settings.trusted_proxy or environ.get("REMOTE_ADDR", "") not in settings.trusted_proxy:
        return False
    proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
    return proto == "https"


def store():
    """The store of the release the current request is answered from."""
    return current_release().store
