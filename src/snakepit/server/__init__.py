"""The game server: aiohttp for HTTP and WebSockets, one game loop coroutine per world."""

from .app import create_app

__all__ = ["create_app"]
