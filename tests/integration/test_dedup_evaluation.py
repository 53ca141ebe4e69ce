"""The matcher on the labelled evaluation set (tests/data/dedup): a quality bound, not a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "dedup"
INDEPENDENT = Path(__file__).resolve().parents[1] / "data" / "dedup_independent"
"""Sets written by someone who had not read services/dedup (branch eval): the figures that count."""


def evaluate(path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "shuxiang", "dedup", "evaluate", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_labelled_set_is_large_and_varied() -> None:
    lines = [json.loads(line) for line in (DATA / "eval.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 2000
    kinds = {line["label"].split("-")[0] for line in lines}
    assert kinds >= {"one", "cohost", "twice", "repost", "corrected", "weekly", "campaign", "hall"}


def test_evaluate_prints_pairwise_precision_and_recall_above_the_targets() -> None:
    metrics = evaluate(DATA / "eval.jsonl")
    assert metrics["submissions"] >= 2000
    assert metrics["precision"] >= 0.98, metrics
    assert metrics["recall"] >= 0.95, metrics
    assert metrics["f1"] >= 0.96, metrics


def test_evaluate_names_the_line_of_a_bad_record(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "a", "library_id": "jn"}\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "shuxiang", "dedup", "evaluate", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "bad.jsonl:1" in result.stderr and "Traceback" not in result.stderr


def test_the_second_tuning_set_free_text_venues_and_no_directory() -> None:
    metrics = evaluate(DATA / "wild" / "eval.jsonl")
    assert metrics["precision"] >= 0.98 and metrics["recall"] >= 0.95, metrics


def test_city_a_an_independent_set_with_a_venue_directory_meets_the_targets() -> None:
    metrics = evaluate(INDEPENDENT / "city_a" / "eval.jsonl")
    assert metrics["submissions"] >= 2000
    assert metrics["precision"] >= 0.98 and metrics["recall"] >= 0.95, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics


def test_city_b_an_independent_set_of_free_text_venues_without_a_directory() -> None:
    """Target (issue 18): precision ≥ 0.98 and recall ≥ 0.95 — not met yet: measured 0.965 / 0.941
    (from 1.000 / 0.105 on a set like it before).  Asserted here: what it reaches, so that it does
    not fall back; raise the bounds to the target when the matcher gets there."""
    metrics = evaluate(INDEPENDENT / "city_b" / "eval.jsonl")
    assert metrics["submissions"] >= 2000
    assert metrics["precision"] >= 0.95 and metrics["recall"] >= 0.94, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics
