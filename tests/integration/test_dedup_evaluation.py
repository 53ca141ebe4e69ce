"""The matcher on the labelled evaluation set (tests/data/dedup): a quality bound, not a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "dedup"


def test_the_labelled_set_is_large_and_varied() -> None:
    lines = [json.loads(line) for line in (DATA / "eval.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 2000
    kinds = {line["label"].split("-")[0] for line in lines}
    assert kinds >= {"one", "cohost", "twice", "repost", "corrected", "weekly", "campaign", "hall"}


def test_evaluate_prints_pairwise_precision_and_recall_above_the_targets() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shuxiang", "dedup", "evaluate", str(DATA / "eval.jsonl"), "--format", "json"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["submissions"] >= 2000
    assert metrics["precision"] >= 0.98, metrics
    assert metrics["recall"] >= 0.95, metrics
    assert metrics["f1"] >= 0.96, metrics


def test_evaluate_names_the_line_of_a_bad_record(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "a", "library_id": "jn"}\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "shuxiang", "dedup", "evaluate", str(bad)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "bad.jsonl:1" in result.stderr and "Traceback" not in result.stderr
