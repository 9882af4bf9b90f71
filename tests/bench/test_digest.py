"""The digest benchmark runs end to end at a small size: kiosk's counts, a digest, a trend and their floors."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import digest


def test_the_digest_benchmark_times_every_operation_next_to_its_floor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIIFRA_INSTANCE_PATH", str(tmp_path / "instance"))  # main() sets it; this restores it after
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nEarlier figures.\n", encoding="utf-8")
    monkeypatch.setattr(digest, "DOC", doc)
    assert digest.main(["--preload", "2000", "--cache", str(tmp_path / "cache"), "--tmpdir", str(tmp_path), "--markdown",
                        "--note", "a test"]) == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line.startswith("| ") and "| SQLite |" in line]
    operations = [line.split(" | ")[0].lstrip("| ") for line in table]
    assert operations[:3] == ["first full count (periods_due, no counts yet)", "its longest part (up to 14 days, one write transaction)", "nightly recount (periods_due)"]
    builds = [o for o in operations if o.startswith("weekly digest build, ")]
    assert [o.split(" (")[0].split(", ")[1] for o in builds] == [
        "a new council's first", "the next week", builds[1].split("(")[1].split(":")[0] + " after a late answer"]
    assert "digest render_text" in operations
    assert any(o.startswith("trend, one place, 52 weeks") for o in operations)
    ratios = [line for line in table if "×** |" in line]
    assert len(ratios) == 6  # the counts, the three builds and the trend, each against its floor
    assert {o for o in operations if o.startswith(("raw,", "answer_tally"))} == {
        "raw, year, 8 places", "raw, recount's days, 8 places", "raw, 1 week, 3 places", "raw, 52 weeks, 3 places",
        "raw, build's recount days, 8 places",
        "raw, 1 week, 3 places, run after each of the next week's builds",
        "answer_tally, 52 weeks, 1 place",
    }
    next_week = next(line for line in table if "the next week" in line)
    assert "| raw, 1 week, 3 places, run after each of the next week's builds |" in next_week
    assert "a test." in out and "2,000 stored submissions" in out
    written = doc.read_text(encoding="utf-8")
    assert written.startswith("# Benchmarks\n\nEarlier figures.\n\n## Council digests at a million submissions\n")
    assert written.count(digest.START) == written.count(digest.END) == 1
