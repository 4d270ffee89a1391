"""Every (method, path) an app serves, including routes of included routers (static mounts left out)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from starlette.routing import Mount, Route


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, str]]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # FastAPI's lazily included router
            yield from _walk(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Mount):
            continue
        elif isinstance(route, Route) or hasattr(route, "methods"):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield method, prefix + route.path


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    return set(_walk(app.routes, ""))
