"""Verifying a recording: an exact re-simulation, the first divergent tick, or a clear error
naming the line and tick of a damaged file."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from replay_helpers import line_of_tick, lines_of, record_busy_game, rewrite_line

from snakepit.engine import Cause
from snakepit.replay import RecordingError, read, verify
from snakepit.replay.command import run as replay_command

TICKS = 300


@pytest.fixture
def recorded(tmp_path: Path):
    return record_busy_game(tmp_path, TICKS)


def test_changing_one_joins_name_diverges_at_that_tick_in_the_snakes(recorded):
    path, played = recorded
    tick = next(r.tick for _, r in played[100:] if r.spawns)
    ref = next(r.spawns[0].ref for _, r in played if r.tick == tick)
    number = tick + 1  # the header is line 1

    def rename(value):
        value[1] = [[*i[:2], "Mallory"] if i[:2] == ["j", ref] else i for i in value[1]]
        return value

    rewrite_line(path, number, rename)
    verdict = verify(path)

    assert not verdict.ok
    assert verdict.ticks == tick - 1
    assert verdict.divergence is not None
    assert (verdict.divergence.tick, verdict.divergence.line) == (tick, number)
    assert (verdict.divergence.digest, verdict.divergence.parts) == ("per-tick", ("snakes",))
    assert str(verdict).startswith(f"divergence: tick {tick} (line {number}) diverges in "
                                   "snakes: per-tick digest recorded ")
    assert '"Mallory"' in str(verdict)


def test_dropping_one_leave_diverges_at_that_tick(recorded):
    path, played = recorded
    tick, sid = next((r.tick, d.snake_id) for _, r in played[50:] for d in r.deaths
                     if d.cause is Cause.LEFT)
    rewrite_line(path, tick + 1,
                 lambda value: [value[0], [i for i in value[1] if i != ["l", sid]], *value[2:]])
    verdict = verify(path)
    assert verdict.divergence is not None and verdict.divergence.tick == tick
    assert "snakes" in verdict.divergence.parts


def flip_digest(path: Path, tick: int, which: int) -> None:
    """Change one hex digit of the digest number ``which`` (2: per-tick, 3: full) of a
    tick's line, in place."""
    lines = lines_of(path)
    line = lines[tick]
    position = line.index(f'"{json.loads(line)[which]}"') + 5
    flipped = "0" if line[position] != "0" else "1"
    lines[tick] = line[:position] + flipped + line[position + 1:]
    path.write_text("\n".join(lines) + "\n")


def test_a_flipped_byte_in_a_per_tick_digest_is_reported_at_its_tick(recorded):
    path, _ = recorded
    flip_digest(path, 151, 2)
    verdict = verify(path)
    assert verdict.divergence is not None
    assert (verdict.divergence.tick, verdict.divergence.line) == (151, 152)
    assert verdict.divergence.digest == "per-tick"


def test_a_flipped_byte_in_a_full_digest_is_reported_at_its_tick(recorded):
    path, _ = recorded
    flip_digest(path, 150, 3)
    verdict = verify(path)
    assert verdict.divergence is not None
    assert (verdict.divergence.tick, verdict.divergence.line) == (150, 151)
    assert "the full digest only (every part matches: is the line damaged?)" in str(verdict)


def test_a_divergence_the_snakes_do_not_show_yet_is_found_at_the_next_full_digest(
        tmp_path: Path):
    """Corpse digits worth less than recorded: the counts and snakes stay the same until
    someone eats one, but the full digest after the first death sees the digits (here
    every 10 ticks, sooner than anyone eats one in this game)."""
    path, played = record_busy_game(tmp_path, TICKS, full_every=10)
    first_death = next(r.tick for _, r in played if r.deaths)
    lines = lines_of(path)
    header = json.loads(lines[0])
    header["config"]["corpse_max_digit"] = 1
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")

    verdict = verify(path)
    found = verdict.divergence
    assert found is not None and found.digest == "full" and "digits" in found.parts
    assert found.since is not None and found.since < first_death <= found.tick
    assert found.tick - found.since == 10
    assert (f"it went wrong in ticks {found.since + 1}-{found.tick}") in str(verdict)


def test_a_flipped_byte_that_breaks_a_line_is_an_error_naming_its_line_and_tick(recorded):
    path, _ = recorded
    data = bytearray(path.read_bytes())
    start = sum(len(line) + 1 for line in lines_of(path)[:200])  # line 201 = tick 200
    data[start] = ord("{") - 1  # the line's "[" becomes "z"
    path.write_bytes(bytes(data))
    with pytest.raises(RecordingError) as caught:
        verify(path)
    assert (caught.value.line, caught.value.tick) == (201, 200)
    assert str(caught.value).startswith("line 201 (tick 200): not valid JSON")


def test_a_garbage_line_is_an_error_naming_its_line_and_tick(recorded):
    path, _ = recorded
    lines = lines_of(path)
    lines[99] = "garbage"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecordingError, match=r"^line 100 \(tick 99\): not valid JSON"):
        verify(path)


def test_a_truncated_recording_is_an_error_naming_the_cut_line_and_its_tick(recorded):
    path, _ = recorded
    data = path.read_bytes()
    cut = data.index(b"\n[120,") + 20  # in the middle of tick 120's line
    path.write_bytes(data[:cut])
    with pytest.raises(RecordingError) as caught:
        verify(path)
    assert (caught.value.line, caught.value.tick) == (121, 120)
    assert "truncated" in str(caught.value)
    # The viewer, which may read a recording while it is being written, leaves it out.
    assert read(path, tolerate_cut=True).last_tick == 119


def test_a_missing_tick_is_an_error_naming_where(recorded):
    path, _ = recorded
    lines = lines_of(path)
    del lines[60]  # tick 60
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecordingError, match=r"^line 61 \(tick 60\): expected tick 60 here, "
                                             r"found tick 61"):
        verify(path)


def test_an_intent_that_is_not_one_is_an_error_naming_its_line_and_tick(recorded):
    path, _ = recorded
    number = line_of_tick(path, lambda value: value[0] > 30 and value[1] != [])
    rewrite_line(path, number, lambda value: [value[0], [["jump", 1]], *value[2:]])
    with pytest.raises(RecordingError, match=rf"^line {number} \(tick {number - 1}\): "
                                             r'\["jump",1\] is not a join, turn or leave'):
        verify(path)


def test_a_damaged_header_is_an_error_on_line_1(recorded):
    path, _ = recorded
    lines = lines_of(path)
    path.write_text("\n".join(["not a header", *lines[1:]]) + "\n")
    with pytest.raises(RecordingError, match=r"^line 1: the header is not a JSON object"):
        verify(path)


def test_another_seed_in_the_header_diverges_at_tick_0(recorded):
    path, _ = recorded
    lines = lines_of(path)
    header = json.loads(lines[0])
    header["seed"] += 1
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    verdict = verify(path)
    assert verdict.divergence is not None and verdict.divergence.tick == 0
    assert "tick 0 (line 1) diverges" in str(verdict)


def test_the_end_marker_must_count_the_ticks(recorded):
    path, _ = recorded
    lines = lines_of(path)
    end = json.loads(lines[-1])
    end["ticks"] = 5
    path.write_text("\n".join([*lines[:-1], json.dumps(end)]) + "\n")
    with pytest.raises(RecordingError, match=rf"^line {TICKS + 2}: the end marker says 5 "
                                             rf"ticks, but the recording holds {TICKS}"):
        verify(path)


# -- the command -------------------------------------------------------------------------


def test_the_replay_command_summarises_and_verifies(recorded):
    path, _ = recorded
    out = io.StringIO()
    assert replay_command(path, verify=True, out=out) == 0
    text = out.getvalue()
    assert text.startswith("arena busy · seed 11 · 30x20 · 10 ticks/s")
    assert f"{TICKS} ticks (30 s) · ended normally" in text
    assert "players: player1, player2, player3, player5" in text
    assert "bots: bot4, bot8" in text
    assert text.endswith(f"ok: {TICKS} ticks identical\n")


def test_the_replay_command_exits_1_on_a_divergence_and_on_damage(recorded, capsys):
    path, _ = recorded
    rewrite_line(path, 201, lambda value: [*value[:3], "0" * 16, value[4]])
    out = io.StringIO()
    assert replay_command(path, verify=True, out=out) == 1
    assert out.getvalue().splitlines()[-1].startswith(
        "divergence: tick 200 (line 201) diverges in the full digest only")

    path.write_text(path.read_text().replace("\n[77,", "\n[77,,"))
    assert replay_command(path, verify=True, out=io.StringIO()) == 1
    assert f"{path}: line 78 (tick 77): not valid JSON" in capsys.readouterr().err


def test_snakepit_replay_verify_runs_from_the_command_line(recorded):
    path, _ = recorded
    snakepit = str(Path(sys.executable).with_name("snakepit"))
    done = subprocess.run([snakepit, "replay", str(path), "--verify"], check=False,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"ok: {TICKS} ticks identical"
    missing = subprocess.run([snakepit, "replay", str(path.with_name("nope.jsonl"))],
                             check=False, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
