"""Static files: versioned URLs, long caching and bodies compressed once.

`static_url("js/live.js")` gives `/static/js/live.js?v=<hash of the file>`.
A request carrying the current version is cached by browsers for a year
(`immutable`): the URL changes when the file does. Bodies are compressed
(brotli, and gzip with zopfli: 3-5% smaller than gzip -9, for phones on plain HTTP)
the first time a file is asked for and kept in memory,
after our own scripts and style sheets are minified (rjsmin, rcssmin: the
sources stay readable, a phone downloads no comments),
so a join storm of phones costs no compression work; `ETag` answers
revalidations with 304.

A page's scripts are served as one bundle (`BUNDLES`, `static_url("js/participant.bundle.js")`):
one response instead of four saves a phone its headers and lets one compressed stream share
its dictionary, 2.4 KB of a first visit. The parts keep their own files and URLs.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import threading
from dataclasses import dataclass

import brotli
import zopfli.gzip
import rcssmin
import rjsmin
from flask import Flask, Response, abort, current_app, request, url_for
from markupsafe import Markup
from werkzeug.security import safe_join

#: Compressing these is worth it; images such as the favicon are sent as they are.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


#: The scripts each live page loads, in order, served as one file.
LIVE_SCRIPTS = ("vendor/socket.io.min.js", "js/live.js", "js/floor.js")
BUNDLES = {
    "js/participant.bundle.js": LIVE_SCRIPTS + ("js/participant.js",),
    "js/console.bundle.js": LIVE_SCRIPTS + ("js/floor-staff.js", "js/opinion.js", "js/console.js"),
    "js/screen.bundle.js": LIVE_SCRIPTS + ("js/floor-staff.js", "js/opinion.js", "js/screen.js"),
}
#: A source map comment names the map of one file; in a bundle it would name the wrong one.
SOURCE_MAP = re.compile(rb"\n//# sourceMappingURL=\S*\s*$")


@dataclass(frozen=True)
class Body:
    mtime_ns: tuple[int, ...]
    version: str
    mimetype: str
    identity: bytes
    gzip: bytes | None
    br: bytes | None


def minified(filename: str, data: bytes) -> bytes:
    """Our scripts and style sheets without comments and spaces; vendored files are
    already minified and are sent as published."""
    if ".min." in filename:
        return data
    if filename.endswith(".js"):
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    if filename.endswith(".css"):
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    return data


class StaticFiles:
    def __init__(self, app: Flask):
        self.folder = app.static_folder
        self._bodies: dict[str, Body] = {}
        self._lock = threading.Lock()
        app.view_functions["static"] = self.view
        app.add_template_global(self.url, "static_url")
        app.add_template_global(self.text, "static_text")
        app.extensions["facilitator.static"] = self

    def _read(self, filename: str) -> tuple[int, bytes] | None:
        """A file's modification time and minified content, or None."""
        path = safe_join(self.folder, filename)
        if path is None or not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            mtime_ns = os.fstat(f.fileno()).st_mtime_ns
            return mtime_ns, minified(filename, f.read())

    def _mtimes(self, filename: str) -> tuple[int, ...] | None:
        try:
            return tuple(os.stat(os.path.join(self.folder, part)).st_mtime_ns
                         for part in BUNDLES[filename]) if filename in BUNDLES else None
        except OSError:
            return None

    def _body(self, filename: str) -> Body | None:
        if filename in BUNDLES:
            mtime_ns = self._mtimes(filename)
        else:
            path = safe_join(self.folder, filename)
            try:
                mtime_ns = (os.stat(path).st_mtime_ns,) if path else None
            except OSError:
                mtime_ns = None
        if mtime_ns is None:
            return None
        body = self._bodies.get(filename)
        if body is None or body.mtime_ns != mtime_ns:
            parts = [self._read(part) for part in BUNDLES.get(filename, (filename,))]
            if None in parts:
                return None
            if filename in BUNDLES:  # each part ends its last statement, whatever its last line
                data = b";\n".join(SOURCE_MAP.sub(b"", content).rstrip() for _, content in parts)
                mtime_ns = tuple(m for m, _ in parts)
            else:
                (mtime, data), = parts
                mtime_ns = (mtime,)
            mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            compress = mimetype.startswith(COMPRESSIBLE) and len(data) > 256
            body = Body(mtime_ns, hashlib.sha256(data).hexdigest()[:12], mimetype, data,
                        zopfli.gzip.compress(data) if compress else None,
                        brotli.compress(data, quality=11) if compress else None)
            with self._lock:
                self._bodies[filename] = body
        return body

    def url(self, filename: str) -> str:
        """The versioned URL of a static file."""
        body = self._body(filename)
        return url_for("static", filename=filename, v=body.version if body else None)

    def text(self, filename: str) -> Markup:
        """A static text file's content, to inline into a self-contained document."""
        body = self._body(filename)
        return Markup(body.identity.decode("utf-8")) if body else Markup("")

    def view(self, filename: str):
        body = self._body(filename)
        if body is None:
            abort(404)
        accepted = request.accept_encodings
        if body.br is not None and accepted["br"]:
            data, encoding = body.br, "br"
        elif body.gzip is not None and accepted["gzip"]:
            data, encoding = body.gzip, "gzip"
        else:
            data, encoding = body.identity, None
        response = Response(data, mimetype=body.mimetype)
        if body.gzip is not None:
            response.vary.add("Accept-Encoding")
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.set_etag(body.version + (f"-{encoding}" if encoding else ""))
        if request.args.get("v") == body.version:
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["STATIC_MAX_AGE"]
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True  # unversioned: revalidate (cheap, 304)
        return response.make_conditional(request)
