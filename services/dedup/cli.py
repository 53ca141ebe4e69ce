"""``shuxiang dedup …``: measuring the matcher, and the review queue from the terminal."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from shuxiang.alliance import AllianceConfigError, load_alliance, load_demo_alliance
from shuxiang.i18n import both, in_both_p


@click.group()
def dedup() -> None:
    """去重 / deduplication: one real activity, one entry."""


@dedup.command("evaluate")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The alliance (venue directory) the set was written for. Default: alliance.toml next to "
    "FILE, else the demo alliance.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--show-errors",
    "show_errors",
    is_flag=True,
    help="Also list every wrongly merged and every missed pair, with the matcher's verdict on the two "
    "announcements (a missed pair judged 'merge' was lost to grouping).",
)
def evaluate(file: Path, config: Path | None, fmt: str, show_errors: bool) -> None:
    """Run the real matching over a labelled set and print pairwise precision, recall and F1.

    FILE is JSON Lines: ActivitySubmissions in log order, each with a "label" field naming the
    real activity it announces.  Runs the dedup consumer against a temporary SQLite database
    (no broker needed).  An announcement the consumer refuses (a dead letter: a library or a
    campaign the alliance file does not allow) is reported and counted as an activity of its own.
    """
    from shuxiang.console import UserError, progress_bar

    from .evaluation import (
        EvaluationError,
        pair_errors,
        pairwise_metrics,
        pending_reviews,
        read_labelled,
        run_matching,
        sqlite_engine,
    )
    from .normalize import VenueResolver

    sibling = file.parent / "alliance.toml"
    try:
        alliance = load_alliance(config or sibling) if (config or sibling.exists()) else load_demo_alliance()
        items = read_labelled(file)
    except (AllianceConfigError, EvaluationError) as exc:
        raise UserError(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="shuxiang-eval-") as tmp:
        engine = sqlite_engine(Path(tmp) / "dedup.sqlite3")
        try:
            with progress_bar() as progress:
                task = progress.add_task(both("matching"), total=len(items))
                predicted = run_matching(
                    alliance, engine, [i.submission for i in items], on_batch=lambda n: progress.advance(task, n)
                )
            reviews = pending_reviews(engine)
        finally:
            engine.dispose()
    metrics = pairwise_metrics(items, predicted, reviews=reviews)
    out = Console(highlight=False)
    errors = pair_errors(items, predicted, VenueResolver(alliance)) if show_errors else []
    if fmt == "json":
        out.print_json(
            json.dumps(
                {
                    "submissions": metrics.submissions,
                    "announcements": metrics.announcements,
                    "activities_true": metrics.activities_true,
                    "activities_predicted": metrics.activities_predicted,
                    "true_pairs": metrics.true_pairs,
                    "predicted_pairs": metrics.predicted_pairs,
                    "correct_pairs": metrics.correct_pairs,
                    "pending_reviews": metrics.pending_reviews,
                    "refused": metrics.refused,
                    "precision": round(metrics.precision, 4),
                    "recall": round(metrics.recall, 4),
                    "f1": round(metrics.f1, 4),
                    **({"errors": [_error_json(e) for e in errors]} if show_errors else {}),
                }
            )
        )
        return
    table = Table(title=both("dedup evaluation") + f" · {file.name}")
    table.add_column(both("measure"))
    table.add_column(both("value"), justify="right")
    for name, value in (
        (both("submissions"), str(metrics.submissions)),
        (both("announcements"), str(metrics.announcements)),
        (both("true activities"), str(metrics.activities_true)),
        (both("predicted activities"), str(metrics.activities_predicted)),
        (both("true pairs"), str(metrics.true_pairs)),
        (both("predicted pairs"), str(metrics.predicted_pairs)),
        (both("correct pairs"), str(metrics.correct_pairs)),
        (both("pending reviews"), str(metrics.pending_reviews)),
        (both("refused (dead letters, each its own activity)"), str(metrics.refused)),
        (both("precision"), f"{metrics.precision:.4f}"),
        (both("recall"), f"{metrics.recall:.4f}"),
        ("F1", f"{metrics.f1:.4f}"),
    ):
        table.add_row(name, value)
    out.print(table)
    if show_errors:
        _print_errors(out, errors)


def _announcement(item) -> dict:
    s = item.submission
    return {
        "library_id": s.library_id,
        "source_ref": s.source_ref,
        "label": item.label,
        "title": s.title,
        "venue": s.venue.name or s.venue.venue_id or "",
        "starts_at": s.starts_at.isoformat(),
        "category": s.category.value,
        "organizers": [f"{o.library_id}:{o.role.value}" for o in s.organizers],
    }


def _error_json(error) -> dict:
    return {
        "kind": error.kind,
        "verdict": error.outcome,
        "reason": error.reason,
        "score": round(error.score, 4),
        "pair": [_announcement(error.first), _announcement(error.second)],
    }


def _print_errors(out: Console, errors: list) -> None:
    """One block per wrong pair: 误合并 (merged, should be apart) or 漏合并 (missed, should be one)."""
    names = {"merged": both("wrongly merged"), "missed": " / ".join(in_both_p("dedup evaluation", "missed"))}
    for kind in ("merged", "missed"):
        chosen = [e for e in errors if e.kind == kind]
        out.print(f"\n[bold]{names[kind]}: {len(chosen)}[/bold]")
        for error in chosen:
            out.print(f"- verdict {error.outcome} ({error.reason}, {error.score:.2f})", markup=False, soft_wrap=True)
            for item in (error.first, error.second):
                a = _announcement(item)
                out.print(
                    f"    {a['starts_at'][5:16]} {a['library_id']:<10} {a['title']} @ {a['venue']} "
                    f"[{a['category']}; {' '.join(a['organizers']) or '-'}] <{a['label']}>",
                    markup=False,
                    soft_wrap=True,
                )
