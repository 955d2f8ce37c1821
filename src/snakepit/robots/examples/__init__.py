"""Example robots to copy and change: each is one small, self-contained file.

- :mod:`.random_safe` -- ``RandomSafe``: a random move among those that do not crash.
- :mod:`.greedy` -- ``Greedy``: steps towards the nearest digit, never into a crash.
- :mod:`.survivor` -- ``Survivor``: takes the move with the most room to live in (a flood
  fill), and goes for digits only when the room is the same either way.

Copy one, change it, and play it against the built-in bots, e.g. for a copy of
``greedy.py``::

    snakepit simulate --robot my_robot.py:Greedy --bots 3 --level easy
"""
