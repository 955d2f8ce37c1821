"""The game server: one HTTP/1.1 implementation (h11) in front of the game's own WebSocket
layer, one game loop coroutine per world."""

from .app import App, create_app

__all__ = ["App", "create_app"]
