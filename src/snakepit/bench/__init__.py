"""``snakepit bench``: capacity of a Snakepit server on one core, against a raw baseline."""
