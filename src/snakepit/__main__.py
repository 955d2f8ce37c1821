"""``python -m snakepit``: the same as the ``snakepit`` command."""

from .cli import main

main()
