"""Requests, responses, routes and static files: what the HTTP handlers (app.py) are written
against, with no I/O of its own (http.py reads and writes the sockets).

- A :class:`Request` is one parsed request head: method, path (percent-decoded), query
  (first value of each name), headers (lower-case names; repeated ones joined with ", ").
- A handler returns a :class:`Response` (or raises :class:`HTTPError`), synchronously or as
  a coroutine. Every response carries the security headers (a content security policy,
  ``nosniff``).
- :class:`StaticFiles` serves the files of one folder from memory, each with an ETag
  (``If-None-Match`` gets 304) and, for text, gzip when the client takes it. A path that
  leaves the folder, or names a hidden file, is not found.
- :func:`number` reads a numeric query parameter: anything not a finite number is a 400,
  and the value is clamped to its range.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote

import msgspec

CSP = ("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
       "style-src 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"))
#: Bodies shorter than this are never compressed (gzip would not pay).
GZIP_FROM = 1024
_TYPES = {".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8",
          ".json": "application/json", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8"}


@dataclass(slots=True)
class Request:
    """One request's head, as a handler sees it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    #: "1.1" or "1.0".
    http_version: str
    #: The socket's peer address.
    peer: str
    #: What a prefix route matched after its prefix (``/api/replays/<tail>``).
    tail: str = ""

    @classmethod
    def parse(cls, method: bytes, target: bytes, headers: list[tuple[bytes, bytes]],
              http_version: bytes, peer: str) -> Request:
        text = target.decode("latin-1")
        path, _, query = text.partition("?")
        joined: dict[str, str] = {}
        for name, value in headers:
            key = name.decode("latin-1").lower()
            val = value.decode("latin-1")
            joined[key] = f"{joined[key]}, {val}" if key in joined else val
        params: dict[str, str] = {}
        for key, val in parse_qsl(query, keep_blank_values=True):
            params.setdefault(key, val)
        return cls(method.decode("latin-1"), unquote(path), params, joined,
                   http_version.decode("latin-1"), peer)

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)

    def accepts_gzip(self) -> bool:
        return any(part.split(";")[0].strip() == "gzip"
                   for part in self.header("accept-encoding").lower().split(","))


@dataclass(slots=True)
class Response:
    """What a handler answers: status, body and headers (Content-Length is added when sent;
    a HEAD request gets the headers without the body)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header_list(self) -> list[tuple[str, str]]:
        """Every header to send (but Content-Length, Connection, Date: http.py's)."""
        names = {name.lower() for name, _ in self.headers}
        extra = [(n, v) for n, v in SECURITY_HEADERS if n.lower() not in names]
        if self.content_type and "content-type" not in names:
            extra.append(("Content-Type", self.content_type))
        return [*self.headers, *extra]


def text_response(status: int, text: str, headers: list[tuple[str, str]] | None = None,
                  ) -> Response:
    return Response(status, text.encode(), headers=list(headers or ()))


def json_response(body: object, status: int = 200, *, no_store: bool = False,
                  request: Request | None = None) -> Response:
    """``body`` (bytes already JSON, or a value msgspec encodes) as application/json; gzip'd
    when ``request`` takes it and it is worth it."""
    data = body if isinstance(body, bytes) else msgspec.json.encode(body)
    headers = [("Cache-Control", "no-store")] if no_store else []
    if request is not None and len(data) >= GZIP_FROM:
        headers.append(("Vary", "Accept-Encoding"))
        if request.accepts_gzip():
            data = gzip.compress(data, 5)
            headers.append(("Content-Encoding", "gzip"))
    return Response(status, data, "application/json", headers)


class HTTPError(Exception):
    """Raised by a handler: the request is answered with ``status`` and ``text``."""

    def __init__(self, status: int, text: str,
                 headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.text = text if text.endswith("\n") else text + "\n"
        self.headers = headers or []

    def response(self) -> Response:
        return text_response(self.status, self.text, self.headers)


def number(request: Request, name: str, default: float, low: float, high: float) -> float:
    """The query parameter ``name`` as a finite number clamped to ``[low, high]``
    (``default`` when absent); anything else (text, NaN, inf) is a 400."""
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise HTTPError(400, f"{name} must be a finite number")
    return min(high, max(low, value))


def whole_number(request: Request, name: str, default: int, low: int, high: int) -> int:
    """The query parameter ``name`` as an integer clamped to ``[low, high]``; 400 if it is
    not one."""
    raw = request.query.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not (raw.lstrip("-").isdigit() and len(raw) <= 18):
        raise HTTPError(400, f"{name} must be a whole number")
    return min(high, max(low, int(raw)))


Handler = Callable[[Request], "Response | Awaitable[Response]"]


class Router:
    """Exact paths, and prefixes (longest first) whose handler gets the rest as
    ``request.tail``. Only GET (and HEAD, answered as GET without the body) is routed."""

    def __init__(self) -> None:
        self.exact: dict[str, Handler] = {}
        self.prefixes: list[tuple[str, Handler]] = []

    def add(self, path: str, handler: Handler) -> None:
        self.exact[path] = handler

    def add_prefix(self, prefix: str, handler: Handler) -> None:
        self.prefixes.append((prefix, handler))
        self.prefixes.sort(key=lambda p: -len(p[0]))

    def find(self, request: Request) -> Handler | None:
        handler = self.exact.get(request.path)
        if handler is not None:
            return handler
        for prefix, handler in self.prefixes:
            if request.path.startswith(prefix):
                request.tail = request.path[len(prefix):]
                return handler
        return None


@dataclass(frozen=True, slots=True)
class _File:
    stamp: tuple[int, int]
    body: bytes
    gzipped: bytes | None
    etag: str
    content_type: str


class StaticFiles:
    """The files under ``root``, read once (again when one changes on disk) and served from
    memory."""

    def __init__(self, root: Path, *, cache_control: str = "no-cache") -> None:
        self.root = root.resolve()
        self.cache_control = cache_control
        self._files: dict[Path, _File] = {}

    def response(self, request: Request, relative: str) -> Response:
        """``relative`` (a path inside the folder) for ``request``; 404 if there is none."""
        parts = [p for p in relative.split("/") if p]
        if not parts or any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            raise HTTPError(404, "not found")
        path = self.root.joinpath(*parts)
        try:
            stat = path.stat()
        except (OSError, ValueError):
            raise HTTPError(404, "not found") from None
        if not path.is_file() or not path.resolve().is_relative_to(self.root):
            raise HTTPError(404, "not found")
        found = self._files.get(path)
        if found is None or found.stamp != (stat.st_mtime_ns, stat.st_size):
            found = self._files[path] = self._load(path, (stat.st_mtime_ns, stat.st_size))
        headers = [("ETag", found.etag), ("Cache-Control", self.cache_control)]
        if found.gzipped is not None:
            headers.append(("Vary", "Accept-Encoding"))
        if found.etag in {t.strip() for t in request.header("if-none-match").split(",")}:
            return Response(304, b"", "", headers)
        if found.gzipped is not None and request.accepts_gzip():
            return Response(200, found.gzipped, found.content_type,
                            [*headers, ("Content-Encoding", "gzip")])
        return Response(200, found.body, found.content_type, headers)

    @staticmethod
    def _load(path: Path, stamp: tuple[int, int]) -> _File:
        body = path.read_bytes()
        kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] \
            or "application/octet-stream"
        textual = kind.startswith("text/") or kind in ("application/json", "image/svg+xml")
        gzipped = gzip.compress(body, 9) if textual and len(body) >= GZIP_FROM else None
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        return _File(stamp, body, gzipped, etag, kind)
