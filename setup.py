"""Builds the engine's C twin (snakepit.engine._fastworld); everything else is in pyproject.toml.

The extension is optional: where it does not compile, the server runs the Python engine
(snakepit.engine.fast.AVAILABLE says which).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "snakepit.engine._fastworld",
            ["src/snakepit/engine/_fastworld.c"],
            depends=["src/snakepit/engine/_sha256.h"],
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                                "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
            optional=True,
        )
    ]
)
