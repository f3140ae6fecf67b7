"""Rewrite rules that give the exported files the server's answers without Python.

Generated from the export's manifest, for three kinds of host:

- nginx (``nginx/kfl-maps.conf`` at http level, ``nginx/kfl-site.conf`` inside a server block,
  ``nginx/example.conf`` a whole configuration): 303 from a thing's IRI to the document
  ``Accept`` asks for, 410 with the server's page (or JSON/RDF) for withdrawn things, 404 page,
  VoID and /changes negotiated, media types and charsets as the server sends them.
- Apache 2.4 (``site/.htaccess``, and ``apache/kfl.conf`` a virtual host including the same
  rules): mod_rewrite, mod_headers, mod_mime.
- ``site/_redirects`` (Netlify, Cloudflare Pages): the 303s, to the HTML page only, since those
  hosts cannot choose by ``Accept``; no 410.

How ``Accept`` is read without a server: nginx maps and Apache conditions test regular
expressions in order, so they cannot compare q-values. The rules (``accept_rules``) try
every type the client names without a q-value (q=1), in the server's order of preference,
then wildcards at q=1, then the same at any q; each rule's answer is what the server picks
for that type alone. So a type at q=1 always wins, as on the server; between two types
with lower q-values the server's order decides, not the q-values (the one difference).
``agreement`` measures how often the rules give the server's choice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..query import formats
from ..settings import Settings
from ..web import SECURITY_HEADERS
from ..web.pages import CSP, tiles_origin
from ..web.resources import DOCUMENTS

if TYPE_CHECKING:
    from .site import ExportResult

EXTENSIONS = tuple(DOCUMENTS)  # html, ttl, nt, jsonld, rdf: the documents of every thing
NOT_ACCEPTABLE = "406"
VERSION = r"[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9a-f]{8}"

# --- Accept -> file extension -------------------------------------------------------------------


def _escape(media_type: str) -> str:
    """A media type as a regular expression with no backslashes (nginx and Apache quote them differently)."""
    return "".join(f"[{c}]" if c in ".+*" else c for c in media_type)


def _documents_choice(media: str | None) -> str:
    try:
        fmt = formats.negotiate(media, tuple(DOCUMENTS.values()))
    except formats.NotAcceptable:
        return NOT_ACCEPTABLE
    return next(ext for ext, f in DOCUMENTS.items() if f is fmt)


def _void_choice(media: str | None) -> str:
    try:
        fmt = formats.negotiate(media, formats.OFFERS[formats.GRAPH])
    except formats.NotAcceptable:
        return NOT_ACCEPTABLE
    return fmt.extension


# releases.gone offers these, in this order, with Werkzeug's best_match and HTML by default.
GONE_OFFERS = {
    "text/html": "html",
    "application/json": "json",
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
}


def _gone_choice(media: str | None) -> str:
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    accept = parse_accept_header(media or "", MIMEAccept)
    best = accept.best_match(list(GONE_OFFERS), default="text/html") if media else "text/html"
    return GONE_OFFERS.get(best or "text/html", "html")


def _changes_choice(media: str | None) -> str:
    """releases._wants_json: JSON only when the client prefers it to HTML."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    accept = parse_accept_header(media or "", MIMEAccept)
    best = accept.best_match(["text/html", "application/json"], default="text/html")
    return "json" if best == "application/json" and accept[best] > accept["text/html"] else "html"


CHOOSERS: dict[str, tuple[Callable[[str | None], str], tuple[str, ...]]] = {
    "doc": (_documents_choice, tuple(t for f in DOCUMENTS.values() for t in f.media_types())),
    "void": (_void_choice, tuple(t for f in formats.OFFERS[formats.GRAPH] for t in f.media_types())),
    "gone": (_gone_choice, tuple(GONE_OFFERS)),
    "changes": (_changes_choice, ("application/json", "text/html")),
}


def accept_rules(kind: str) -> tuple[str, list[tuple[str, str]], str]:
    """(answer for no Accept, [(regex, answer)] tried in order, answer when none matches) for ``kind``.

    A type named with no q-value (q=1) beats every type with a lower one, and among several
    with q=1 the server takes its own order of preference, then a wildcard; so the rules try
    the types at q=1 in that order, then the wildcards at q=1, then the same at any q.

    >>> empty, rules, default = accept_rules("doc")
    >>> empty, rules[0][1], default
    ('html', 'html', '406')
    """
    choose, media_types = CHOOSERS[kind]
    wildcards = ("text/*", "application/*", "*/*", "*")
    full = r"[ \t]*(;(?![^,]*q=0)[^,]*)?(,|$)"  # no q-value, or q=1
    any_q = r"[ \t]*(;[^,]*)?(,|$)"
    rules: list[tuple[str, str]] = []
    for tail in (full, any_q):
        for media in (*media_types, *wildcards):
            rules.append((rf"(^|,)[ \t]*{_escape(media)}{tail}", choose(media if media != "*" else "*/*")))
    return choose(None), rules, choose("image/x-none")


def static_choice(kind: str, accept: str | None) -> str:
    """What the generated rules answer for ``accept`` (the same regexes, read by Python)."""
    empty, rules, default = accept_rules(kind)
    if not (accept or "").strip():
        return empty
    for pattern, answer in rules:
        if re.search(pattern, accept or "", re.IGNORECASE):
            return answer
    return default


def agreement(kind: str, accepts: list[str]) -> tuple[int, list[str]]:
    """How many of ``accepts`` the rules answer as the server does, and the ones they do not."""
    choose, _ = CHOOSERS[kind]
    wrong = [a for a in accepts if static_choice(kind, a) != choose(a)]
    return len(accepts) - len(wrong), wrong


# --- media types --------------------------------------------------------------------------------


def media_types(result: ExportResult) -> tuple[dict[str, str], dict[str, str]]:
    """(extension -> Content-Type most files with it get, URL -> Content-Type for the files that differ)."""
    by_ext: dict[str, Counter[str]] = {}
    for a in result.answers:
        if a.file and a.status == 200:
            by_ext.setdefault(_ext(a.file), Counter())[a.type] += 1
    types = {ext: counter.most_common(1)[0][0] for ext, counter in by_ext.items() if ext}
    exceptions = {
        a.url: a.type
        for a in result.answers
        if a.file and a.status == 200 and a.url.lstrip("/") == a.file and types.get(_ext(a.file)) != a.type
    }
    return types, exceptions


def _ext(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[1] if "." in base else ""


# --- nginx --------------------------------------------------------------------------------------


def _nginx_map(kind: str, variable: str) -> str:
    empty, rules, default = accept_rules(kind)
    lines = [f"map $http_accept ${variable} {{", f'    default "{default}";', f'    "" "{empty}";']
    lines += [f'    "~*{pattern}" "{answer}";' for pattern, answer in rules]
    lines.append("}")
    return "\n".join(lines)


def _headers(settings: Settings, indent: str = "    ") -> str:
    """The headers every answer carries (nginx forgets outer add_header lines where a block adds its own)."""
    origin = tiles_origin(settings.map_tiles)
    csp = CSP.format(tiles=f" {origin}" if origin else "")
    lines = [f'add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS.items()]
    lines.append(f'add_header Content-Security-Policy "{csp}" always;')
    lines.append('add_header Access-Control-Allow-Origin "*" always;')
    return "\n".join(indent + line for line in lines)


def nginx_maps(base_path: str = "/") -> str:
    """The http-level part: Accept -> extension for documents, VoID, /changes and 410 answers; the language."""
    head = "# Generated by kfl-lod export-site: Accept -> file extension (docs/static-export.md).\n"
    stem = 'map $uri $kfl_stem {\n    default $uri;\n    "~^(?<kfl_s>.+)[.](html|ttl|nt|jsonld|rdf|json)$" $kfl_s;\n}'
    parts = [
        _nginx_map("doc", "kfl_doc"),
        _nginx_map("void", "kfl_void"),
        _nginx_map("gone", "kfl_gone"),
        _nginx_map("changes", "kfl_changes"),
        stem,
        # The language, as the server chooses it from ?lang= and then the cookie (not Accept-Language):
        # English pages are the .en.html files beside the Polish ones.
        'map "$arg_lang:$cookie_lang" $kfl_en {\n    default "";\n    "~^en:" ".en";\n    "~^:en$" ".en";\n}',
        'map "$kfl_en:$uri" $kfl_page_en {\n    default /kfl-none;\n'
        '    "~^[.]en:(?<kfl_p>.*/)$" "${kfl_p}index.en.html";\n'
        '    "~^[.]en:(?<kfl_q>/[^.]*)$" "$kfl_q.en.html";\n'
        '    "~^[.]en:(?<kfl_r>.+)[.]html$" "$kfl_r.en.html";\n}',
        'map "$kfl_gone$kfl_en" $kfl_gone_file {\n    default $kfl_gone;\n    "html.en" "en.html";\n}',
        'map "$kfl_changes$kfl_en" $kfl_changes_file {\n    default $kfl_changes;\n    "html.en" "en.html";\n}',
        # The server keeps a language chosen by ?lang= in a cookie for a year.
        'map $arg_lang $kfl_cookie {\n    default "";\n'
        f'    en "lang=en; Max-Age=31536000; Path={base_path}; SameSite=Lax";\n'
        f'    pl "lang=pl; Max-Age=31536000; Path={base_path}; SameSite=Lax";\n}}',
    ]
    return head + "\n\n".join(parts) + "\n"


def nginx_site(settings: Settings, result: ExportResult, root: Path, sparql: str) -> str:
    """The server-level part: root, media types, 303/404/406/410 and the negotiated URLs."""
    bp = settings.base_path
    types, exceptions = media_types(result)
    headers = _headers(settings, "")
    inner = _headers(settings, " " * 8)
    links = ", ".join(
        f'<$kfl_thing.{ext}>; rel=\\"alternate\\"; type=\\"{f.media_type}\\"' for ext, f in DOCUMENTS.items()
    )
    # The server's 406 answers, word for word (web/resources._see_other, web/releases.void_description).
    origin = settings.base[: len(settings.base) - len(bp)]
    listed = "".join(f"\n  $kfl_thing.{ext} ({f.media_type})" for ext, f in DOCUMENTS.items())
    not_acceptable = f"Not acceptable. {origin}$kfl_thing is described in:{listed}\n"
    void_406 = "Not acceptable. Available: " + ", ".join(f.media_type for f in formats.OFFERS[formats.GRAPH]) + "\n"
    out = [
        f"# Generated by kfl-lod export-site for release {result.release}: include inside a server block",
        "# (after including kfl-maps.conf at http level). See docs/static-export.md.",
        f"root {root};",
        "index index.html;",
        "absolute_redirect off;  # Location: /space/x.html, as the server sends it",
        "charset off;  # the media types below carry their charset",
        "types {",
        *[f'    "{ctype}" {ext};' for ext, ctype in sorted(types.items())],
        "}",
        'default_type "application/octet-stream";',
        "error_page 404 /404$kfl_en.html;",
        headers,
        "",
        'location ~ "^/404([.]en)?[.]html$" { internal; }',
        f"location /{'_gone'}/ {{ internal; }}",
        "location = /_redirects { return 404; }",
        "location = /.htaccess { return 404; }",
        "",
        "# A thing's IRI: 303 See Other to the document Accept asks for (its .ttl file marks it as a thing).",
        "location = /kfl-see-other {",
        "    internal;",
        '    default_type "text/plain; charset=utf-8";',
        f'    if ($kfl_doc = "406") {{ return 406 "{not_acceptable}"; }}',
        f'    add_header Link "{links}" always;',
        '    add_header Vary "Accept" always;',
        inner,
        "    return 303 $kfl_thing.$kfl_doc;",
        "}",
        "# A withdrawn thing (its answers kept under /_gone/): 410 Gone in the format Accept asks for.",
        "location = /kfl-gone {",
        "    internal;",
        "    error_page 410 /_gone$kfl_thing.$kfl_gone_file;",
        "    return 410;",
        "}",
        "# A release no longer kept: its page, 410, whatever Accept asks for.",
        "location = /kfl-gone-page {",
        "    internal;",
        "    error_page 410 /_gone$kfl_thing$kfl_en.html;",
        "    return 410;",
        "}",
        "",
        f"location = {bp} {{",
        "    add_header Set-Cookie $kfl_cookie;",
        inner,
        f"    try_files {bp}index$kfl_en.html =404;",
        "}",
        "location / {",
        "    set $kfl_thing $uri;",
        "    if (-f $document_root/_gone$kfl_stem.html) { rewrite ^ /kfl-gone last; }",
        "    if (-f $document_root$uri.ttl) { rewrite ^ /kfl-see-other last; }",
        "    add_header Set-Cookie $kfl_cookie;",
        inner,
        "    try_files $kfl_page_en $uri $uri.html =404;",
        "}",
        "",
    ]
    for path in result.things:
        if path.endswith("/"):  # a namespace IRI (def/) names what its parent names
            out += [
                f"location = {path} {{",
                f"    set $kfl_thing {path[:-1]};",
                "    rewrite ^ /kfl-see-other last;",
                "}",
            ]
    out += [
        "# VoID: 200 in the RDF format Accept asks for (Turtle by default).",
        # RFC 8615 puts it at the root; the server also answers it under the base path.
        f'location ~ "^(/|{bp})[.]well-known/void$" {{' if bp != "/" else "location = /.well-known/void {",
        '    default_type "text/plain; charset=utf-8";',
        f'    if ($kfl_void = "406") {{ return 406 "{void_406}"; }}',
        '    add_header Vary "Accept" always;',
        inner,
        "    try_files /.well-known/void.$kfl_void =404;",
        "}",
        "# The change record: HTML, or JSON when the client prefers it.",
        f"location = {bp}changes {{",
        '    add_header Vary "Accept" always;',
        inner,
        "    add_header Set-Cookie $kfl_cookie;",
        f"    try_files {bp}changes.$kfl_changes_file =404;",
        "}",
        f'location ~ "^{bp}changes/(?<kfl_v>{VERSION})$" {{',
        "    set $kfl_thing $uri;",
        f"    if (-f $document_root/_gone{bp}changes/$kfl_v.html) {{ rewrite ^ /kfl-gone-page last; }}",
        '    add_header Vary "Accept" always;',
        inner,
        "    add_header Set-Cookie $kfl_cookie;",
        f"    try_files {bp}changes/$kfl_v.$kfl_changes_file =404;",
        "}",
        f"location = {bp}dumps/ {{ try_files {bp}dumps/index.txt =404; }}",
    ]
    if sparql:
        out += [
            "# The SPARQL endpoint is elsewhere: queries go there (307 keeps the method and the body).",
            f"location = {bp}sparql {{",
            f'    if ($args) {{ return 307 "{sparql}?$args"; }}',
            f'    if ($request_method = POST) {{ return 307 "{sparql}"; }}',
            "    add_header Set-Cookie $kfl_cookie;",
            inner,
            f"    try_files {bp}sparql$kfl_en.html =404;",
            "}",
        ]
    else:
        out += [
            f"location = {bp}sparql {{",
            "    add_header Set-Cookie $kfl_cookie;",
            inner,
            f"    try_files {bp}sparql$kfl_en.html =404;",
            "}",
        ]
    if exceptions:
        out.append("# Files whose media type is not the usual one for their extension.")
        for url, ctype in sorted(exceptions.items()):
            out.append(f'location = {url} {{ types {{ }} default_type "{ctype}"; }}')
    return "\n".join(out) + "\n"


def nginx_example(out: Path) -> str:
    """A whole nginx.conf serving the export on port 8080 (edit listen/server_name; add TLS)."""
    return f"""# A whole nginx configuration for the export (nginx -c {out}/nginx/example.conf).
worker_processes auto;
events {{ worker_connections 1024; }}
http {{
    sendfile on;
    gzip on;
    gzip_types text/turtle application/n-triples application/ld+json application/rdf+xml application/json
               text/css application/javascript text/csv image/svg+xml application/geo+json;
    include {out}/nginx/kfl-maps.conf;
    server {{
        listen 8080;
        server_name _;
        include {out}/nginx/kfl-site.conf;
    }}
}}
"""


# --- Apache ----------------------------------------------------------------------------------------


def _apache_accept(kind: str, target: str) -> list[str]:
    """mod_rewrite lines setting the environment variable ``target`` from Accept, as the nginx map does."""
    empty, rules, default = accept_rules(kind)
    # Several rules set one variable: each applies only while it is still unset (first match wins).
    lines = ['RewriteCond %{HTTP:Accept} "^$"', f"RewriteRule ^ - [E={target}:{empty}]"]
    for pattern, answer in rules:
        lines += [
            f'RewriteCond %{{ENV:{target}}} "^$"',
            f'RewriteCond %{{HTTP:Accept}} "{pattern}" [NC]',
            f"RewriteRule ^ - [E={target}:{answer}]",
        ]
    lines += [f'RewriteCond %{{ENV:{target}}} "^$"', f"RewriteRule ^ - [E={target}:{default}]"]
    return lines


def apache_rules(settings: Settings, result: ExportResult, sparql: str) -> str:
    """The rules for site/.htaccess: mod_rewrite, mod_headers, mod_mime, mod_dir (the folder needs AllowOverride All).

    The site must be the document root (the rules test files under %{DOCUMENT_ROOT}).
    """
    bp = settings.base_path
    rel = bp.lstrip("/")
    types, exceptions = media_types(result)
    origin = tiles_origin(settings.map_tiles)
    csp = CSP.format(tiles=f" {origin}" if origin else "")
    links = ", ".join(
        f'<%{{KFL_THING}}e.{ext}>; rel=\\"alternate\\"; type=\\"{f.media_type}\\"' for ext, f in DOCUMENTS.items()
    )
    lines = [
        f"# Generated by kfl-lod export-site for release {result.release} (docs/static-export.md).",
        "# Apache 2.4 with mod_rewrite, mod_headers, mod_mime and mod_dir; AllowOverride All for this folder,",
        "# which must be the document root.",
        "Options -MultiViews -Indexes +FollowSymLinks",
        "DirectoryIndex index.html",
        "# /changes is a page (changes.html), not the folder changes/.",
        "DirectorySlash Off",
        "AddDefaultCharset Off",
        'ErrorDocument 404 "/404%{reqenv:KFL_EN}.html"',
        'ErrorDocument 406 "Not acceptable: see the Link header for the formats offered."',
        "# A withdrawn thing's kept answer, in the format Accept asks for (KFL_GONE, set below).",
        'ErrorDocument 410 "/_gone%{REQUEST_URI}.%{reqenv:KFL_GONE}"',
        *[f'AddType "{ctype}" .{ext}' for ext, ctype in sorted(types.items())],
    ]
    by_name = {url.rsplit("/", 1)[-1]: ctype for url, ctype in sorted(exceptions.items())}
    for name, ctype in sorted(by_name.items()):
        lines += [f'<Files "{name}">', f'  ForceType "{ctype}"', "</Files>"]
    lines += [
        *[f'Header always set {name} "{value}"' for name, value in SECURITY_HEADERS.items()],
        f'Header always set Content-Security-Policy "{csp}"',
        'Header always set Access-Control-Allow-Origin "*"',
        f'Header always set Link "{links}" env=KFL_THING',
        'Header always merge Vary "Accept" env=KFL_THING',
        "# The server keeps a language chosen by ?lang= in a cookie for a year.",
        *[
            f'Header always set Set-Cookie "lang={lang}; Max-Age=31536000; Path={bp}; SameSite=Lax" '
            f'"expr=%{{QUERY_STRING}} =~ /(^|&)lang={lang}(&|$)/"'
            for lang in ("en", "pl")
        ],
        '<Files ~ "^(_redirects|\\.htaccess)$">',
        "  Require all denied",
        "</Files>",
        "RewriteEngine On",
        "# Kept 410 answers: served as they are when an error page points there, else not found.",
        'RewriteCond %{ENV:REDIRECT_STATUS} "!^$"',
        "RewriteRule ^_gone/ - [L]",
        "RewriteRule ^_gone/ - [R=404,L]",
        "# Accept -> file extension: documents (KFL_DOC), VoID (KFL_VOID), 410 answers (KFL_GONE), /changes (KFL_CHANGES).",
        *_apache_accept("doc", "KFL_DOC"),
        *_apache_accept("void", "KFL_VOID"),
        *_apache_accept("gone", "KFL_GONE"),
        *_apache_accept("changes", "KFL_CHANGES"),
        "# The language, as the server chooses it from ?lang= and then the cookie: English pages are .en.html.",
        'RewriteCond %{QUERY_STRING} "(^|&)lang=en(&|$)"',
        "RewriteRule ^ - [E=KFL_EN:.en]",
        'RewriteCond %{QUERY_STRING} "!(^|&)lang="',
        'RewriteCond %{HTTP_COOKIE} "(^|;[ \\t]*)lang=en(;|$)"',
        "RewriteRule ^ - [E=KFL_EN:.en]",
        *[
            line
            for name in ("KFL_CHANGES", "KFL_GONE")
            for line in (
                f"RewriteCond %{{ENV:{name}}} =html",
                "RewriteCond %{ENV:KFL_EN} =.en",
                f"RewriteRule ^ - [E={name}:en.html]",
            )
        ],
        "# VoID and the change record, by Accept.",
        "RewriteCond %{ENV:KFL_VOID} =406",
        f"RewriteRule ^({rel})?\\.well-known/void$ - [R=406,L]",
        f"RewriteRule ^({rel})?\\.well-known/void$ /.well-known/void.%{{ENV:KFL_VOID}} [L]",
        f"RewriteRule ^({rel}changes(/{VERSION})?)$ /$1.%{{ENV:KFL_CHANGES}} [L]",
        f"RewriteRule ^{rel}dumps/$ /{rel}dumps/index.txt [L]",
        "# A withdrawn thing (its answer kept under _gone/), by its IRI or a document URL: 410 Gone.",
        'RewriteCond %{ENV:REDIRECT_STATUS} "^$"',
        "RewriteCond %{DOCUMENT_ROOT}/_gone/$1.html -f",
        "RewriteRule ^(.+?)(\\.(html|ttl|nt|jsonld|rdf))?$ - [G]",
        "# A thing's IRI (its .ttl file marks it): 303 See Other to the document Accept asks for.",
        "RewriteCond %{DOCUMENT_ROOT}/$1.ttl -f",
        "RewriteCond %{ENV:KFL_DOC} =406",
        "RewriteRule ^(.*[^/])$ - [R=406,L,E=KFL_THING:/$1]",
        "RewriteCond %{DOCUMENT_ROOT}/$1.ttl -f",
        "RewriteRule ^(.*[^/])$ /$1.%{ENV:KFL_DOC} [R=303,L,E=KFL_THING:/$1]",
    ]
    for path in result.things:
        if path.endswith("/"):  # a namespace IRI (def/) names what its parent names
            lines.append(
                f"RewriteRule ^{path.lstrip('/')}$ {path[:-1]}.%{{ENV:KFL_DOC}} [R=303,L,E=KFL_THING:{path[:-1]}]"
            )
    if sparql:
        lines += [
            "# The SPARQL endpoint is elsewhere: queries go there (307 keeps the method and the body).",
            "RewriteCond %{QUERY_STRING} . [OR]",
            "RewriteCond %{REQUEST_METHOD} =POST",
            f"RewriteRule ^{rel}sparql$ {sparql} [R=307,L]",
        ]
    lines += [
        "# English pages.",
        "RewriteCond %{ENV:KFL_EN} =.en",
        f"RewriteRule ^{rel}$ /{rel}index.en.html [L]",
        "RewriteCond %{ENV:KFL_EN} =.en",
        "RewriteCond %{DOCUMENT_ROOT}/$1.en.html -f",
        "RewriteRule ^(.+?)(\\.html)?$ /$1.en.html [L]",
        "# Pages without an extension.",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{DOCUMENT_ROOT}/$1.html -f",
        "RewriteRule ^(.+)$ /$1.html [L]",
    ]
    return "\n".join(lines) + "\n"


def apache_vhost(out: Path) -> str:
    """An Apache 2.4 virtual host serving the export (its rules are site/.htaccess)."""
    return f"""# An Apache 2.4 virtual host for the export: a2enmod rewrite headers; then include this file.
<VirtualHost *:80>
    DocumentRoot {out}/site
    <Directory {out}/site>
        AllowOverride All
        Require all granted
    </Directory>
</VirtualHost>
"""


# --- _redirects (Netlify, Cloudflare Pages) ------------------------------------------------------


def redirects(settings: Settings, result: ExportResult, sparql: str) -> str:
    """303 from every thing's IRI to its HTML page; the SPARQL endpoint when it lives elsewhere."""
    lines = [
        f"# Generated by kfl-lod export-site for release {result.release} (docs/static-export.md).",
        "# These hosts cannot choose by Accept: every IRI goes to its HTML page; RDF clients ask",
        "# for the documents by name (.ttl, .nt, .jsonld, .rdf). Withdrawn things get no 410 here.",
    ]
    for path in result.things:
        target = (path[:-1] if path.endswith("/") else path) + ".html"
        lines.append(f"{path} {target} 303")
    if sparql:
        lines.append(f"{settings.base_path}sparql {sparql} 307")
    return "\n".join(lines) + "\n"


def write_hosting(stage: Path, settings: Settings, result: ExportResult, sparql: str) -> None:
    """Write the nginx, Apache and _redirects files for the export staged in ``stage`` (final place: result.out)."""
    final = result.out.resolve()
    (stage / "nginx").mkdir(parents=True, exist_ok=True)
    (stage / "apache").mkdir(parents=True, exist_ok=True)
    (stage / "nginx" / "kfl-maps.conf").write_text(nginx_maps(settings.base_path), encoding="utf-8")
    (stage / "nginx" / "kfl-site.conf").write_text(
        nginx_site(settings, result, final / "site", sparql), encoding="utf-8"
    )
    (stage / "nginx" / "example.conf").write_text(nginx_example(final), encoding="utf-8")
    (stage / "site" / ".htaccess").write_text(apache_rules(settings, result, sparql), encoding="utf-8")
    (stage / "apache" / "kfl.conf").write_text(apache_vhost(final), encoding="utf-8")
    (stage / "site" / "_redirects").write_text(redirects(settings, result, sparql), encoding="utf-8")
