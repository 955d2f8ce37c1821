"""Python side of the protocol: a connection to a server and the world view it keeps."""

from .connection import Connection
from .view import SnakeView, WorldView

__all__ = ["Connection", "SnakeView", "WorldView"]
