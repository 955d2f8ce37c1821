"""Recording is on by default; `--no-record` / SNAKEPIT_RECORD=0 turn it off, and
`--keep-recordings` / SNAKEPIT_KEEP_RECORDINGS say how many recordings are kept."""

from __future__ import annotations

import pytest

from snakepit.cli import build_parser
from snakepit.settings import Settings


def test_recording_is_on_by_default_and_keeps_200():
    args = build_parser().parse_args(["serve"])
    assert (args.record, args.keep_recordings) == (True, 200)
    assert (Settings().record, Settings().keep_recordings) == (True, 200)


def test_flags_turn_recording_off_and_set_retention():
    args = build_parser().parse_args(["serve", "--no-record", "--keep-recordings", "5"])
    assert (args.record, args.keep_recordings) == (False, 5)


@pytest.mark.parametrize("value, record", [("0", False), ("false", False), ("1", True)])
def test_environment_variables_do_the_same(monkeypatch, value, record):
    monkeypatch.setenv("SNAKEPIT_RECORD", value)
    monkeypatch.setenv("SNAKEPIT_KEEP_RECORDINGS", "0")
    args = build_parser().parse_args(["serve"])
    assert (args.record, args.keep_recordings) == (record, 0)


def test_a_negative_retention_is_refused():
    with pytest.raises(ValueError, match="keep recordings"):
        Settings(keep_recordings=-1)


def test_the_replay_command_takes_a_file_and_verify():
    args = build_parser().parse_args(["replay", "x.jsonl", "--verify"])
    assert (str(args.file), args.verify) == ("x.jsonl", True)
