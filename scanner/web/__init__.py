"""``cvscan serve``: a local web app (upload page, HTML report, JSON API) on top of the library.

Needs the ``web`` extra (``pip install 'cvscan[web]'``: FastAPI, uvicorn, python-multipart). FastAPI is
imported only when an app is made, so ``import scanner`` never needs it.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from ..errors import WebUnavailableError
from .settings import WebSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "WebSettings", "create_app", "require_web", "serve"]

DEFAULT_HOST = "127.0.0.1"  # loopback: only this computer can reach the server
DEFAULT_PORT = 8000
_EXTRA = {"fastapi": "fastapi", "uvicorn": "uvicorn", "multipart": "python-multipart"}


def require_web() -> None:
    """Raise WebUnavailableError, naming the pip command, when a package of the ``web`` extra is missing."""
    missing = [package for module, package in _EXTRA.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise WebUnavailableError(
            f"the web app needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not installed.",
            fix="pip install 'cvscan[web]'",
        )


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The FastAPI app of ``cvscan serve`` with these limits."""
    require_web()
    from .app import create_app as build

    return build(settings)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, settings: WebSettings | None = None,
          log_level: str = "info") -> None:
    """Serve the web app with uvicorn until interrupted."""
    require_web()
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)
