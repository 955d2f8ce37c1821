"""The engine is pure: it imports nothing that does I/O, reads a clock or speaks JSON."""

from __future__ import annotations

import ast
from pathlib import Path

import snakepit.engine

FORBIDDEN = {"asyncio", "time", "datetime", "socket", "json", "msgspec", "aiohttp", "os",
             "threading", "sqlite3", "select", "selectors", "uvloop"}
ENGINE = Path(snakepit.engine.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_engine_module_imports_io_clocks_or_json():
    for path in sorted(ENGINE.glob("*.py")):
        assert not imported_modules(path) & FORBIDDEN, path.name


def test_the_engine_imports_nothing_from_the_rest_of_snakepit():
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{path.name} reaches outside the engine"
                assert not (node.module or "").startswith("snakepit"), path.name
