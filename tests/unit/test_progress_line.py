"""The progress report of ``ronghe score`` and ``ronghe load``: a bar on a terminal, short plain
lines in a log."""

from __future__ import annotations

import io

import pytest

from assessment.commands.score import progress_line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_count_share_and_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    report = progress_line("loaded")
    for done in (0, 2_000, 4_000, 6_000):
        report(done, 6_000)
    shown = screen.getvalue()
    assert "\r" in shown  # redrawn in place
    last = shown.rsplit("\r", 1)[-1]
    assert last.startswith("loaded: 100%")
    assert "6.00k/6.00k" in last
    assert "assessments/s" in last
    assert shown.endswith("\n")  # closed at the total: the next output starts on a line of its own


def test_a_terminal_bar_counts_before_the_total_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    report = progress_line("scored")
    report(1_500, 0)
    report(3_000, 0)
    assert "scored: 3.00k assessments" in screen.getvalue().rsplit("\r", 1)[-1]
    report(3_000, 3_000)
    assert "100%" in screen.getvalue().rsplit("\r", 1)[-1]


def test_a_log_gets_a_line_per_tenth(monkeypatch: pytest.MonkeyPatch) -> None:
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    report = progress_line("loaded")
    for done in range(0, 1_001, 50):
        report(done, 1_000)
    lines = log.getvalue().splitlines()
    assert lines[0] == "loaded 0/1,000"
    assert lines[-1] == "loaded 1,000/1,000"
    assert len(lines) == 11
    assert "\r" not in log.getvalue()
