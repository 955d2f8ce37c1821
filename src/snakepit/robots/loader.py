"""Find a robot class from a command-line reference: ``path/to/file.py:ClassName`` or
``package.module:ClassName``."""

from __future__ import annotations

import importlib
import importlib.util
import random
import sys
from pathlib import Path

from .robot import Robot


class RobotNotFound(Exception):
    """The reference does not name a loadable robot class; the message says why."""


def load_robot_class(ref: str) -> type[Robot]:
    """The class ``ref`` names (``FILE.py:Class`` or ``module:Class``)."""
    where, sep, class_name = ref.rpartition(":")
    if not sep or not where or not class_name:
        raise RobotNotFound(f"{ref!r}: expected FILE.py:ClassName or module:ClassName")
    if where.endswith(".py"):
        path = Path(where)
        if not path.is_file():
            raise RobotNotFound(f"{where}: no such file")
        module_name = f"snakepit_robot_{abs(hash(path.resolve()))}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise RobotNotFound(f"{where}: cannot be loaded as Python")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise RobotNotFound(f"{where}: {type(exc).__name__}: {exc}") from exc
    else:
        try:
            module = importlib.import_module(where)
        except ImportError as exc:
            raise RobotNotFound(f"{where}: {exc}") from exc
    cls = getattr(module, class_name, None)
    if cls is None:
        raise RobotNotFound(f"{where} has no {class_name}")
    if not (isinstance(cls, type) and callable(getattr(cls, "decide", None))):
        raise RobotNotFound(f"{ref}: not a class with a decide(view) method")
    return cls


def make_robot(ref: str) -> Robot:
    """An instance of the class ``ref`` names, made with no arguments."""
    cls = load_robot_class(ref)
    try:
        robot = cls()
    except Exception as exc:
        raise RobotNotFound(f"{ref}: {type(exc).__name__} while creating it: {exc}") from exc
    if not hasattr(robot, "rng"):  # a class with decide() that is not a Robot subclass
        robot.rng = random.Random()
    return robot
