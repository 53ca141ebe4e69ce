"""The matcher on the labelled evaluation set (tests/data/dedup): a quality bound, not a timing."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from shuxiang.alliance import load_alliance
from shuxiang.services.dedup.evaluation import (
    Metrics,
    pairwise_metrics,
    pending_reviews,
    read_labelled,
    run_matching,
    sqlite_engine,
)

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
    metrics = evaluate(DATA / "eval.jsonl")  # measured 1.000 / 1.000
    assert metrics["submissions"] >= 2000
    assert metrics["precision"] >= 0.995, metrics
    assert metrics["recall"] >= 0.995, metrics
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


def test_an_announcement_the_consumer_refuses_is_counted_as_its_own_activity(tmp_path) -> None:
    """One dead-lettered line (a library the alliance file does not hold) does not throw the set
    away: it is reported, and the pairs it belongs to count as missed."""
    lines = (INDEPENDENT / "city_b" / "eval.jsonl").read_text(encoding="utf-8").splitlines()[:200]
    first = json.loads(lines[0])
    stranger = dict(first, library_id="not-a-member", source_ref="stray-1", organizers=[])
    (tmp_path / "alliance.toml").write_text(
        (INDEPENDENT / "city_b" / "alliance.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "eval.jsonl").write_text(
        "\n".join([*lines, json.dumps(stranger, ensure_ascii=False)]) + "\n", encoding="utf-8"
    )
    with_stranger = evaluate(tmp_path / "eval.jsonl")  # through the CLI
    (tmp_path / "eval.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    without = measured(tmp_path / "eval.jsonl")
    assert with_stranger["refused"] == 1 and without.refused == 0
    assert with_stranger["announcements"] == without.announcements + 1
    assert with_stranger["true_pairs"] > without.true_pairs  # its pairs are missed, not dropped
    assert with_stranger["correct_pairs"] == without.correct_pairs


def test_the_second_tuning_set_free_text_venues_and_no_directory() -> None:
    metrics = evaluate(DATA / "wild" / "eval.jsonl")  # measured 0.998 / 0.994
    assert metrics["precision"] >= 0.995 and metrics["recall"] >= 0.99, metrics


def test_city_a_an_independent_set_with_a_venue_directory_meets_the_targets() -> None:
    """Measured 0.997 / 0.991, 3 reviews for 1,168 true pairs (was 0.984 / 0.955)."""
    metrics = evaluate(INDEPENDENT / "city_a" / "eval.jsonl")
    assert metrics["submissions"] >= 2000
    assert metrics["precision"] >= 0.995 and metrics["recall"] >= 0.99, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics


def test_city_b_an_independent_set_of_free_text_venues_without_a_directory() -> None:
    """Issue 18's targets, met: measured 0.996 / 0.999 with no review left (from 0.965 / 0.941):
    names derived from the members' names, 本馆, floors, named hosts, sessions by audience; starts
    60-90 minutes apart with the same title at the same place (0.991 before)."""
    metrics = evaluate(INDEPENDENT / "city_b" / "eval.jsonl")
    assert metrics["submissions"] >= 2000
    assert metrics["precision"] >= 0.995 and metrics["recall"] >= 0.995, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics


FRESH = Path(__file__).resolve().parents[1] / "data" / "dedup_fresh"
"""Two more sets by an author who had not read services/dedup (branch fresh).  Judged unseen first
(city_c 0.995 / 0.882, 17 reviews; city_d 0.988 / 0.837, 19 reviews), then used for tuning: the
classes of misses they showed were fixed in general ways, so these figures are tuned ones too."""


def test_city_c_a_fresh_set_with_a_venue_directory_meets_the_targets() -> None:
    """Measured 0.997 / 0.993, 3 reviews for 1,239 true pairs."""
    metrics = evaluate(FRESH / "city_c" / "eval.jsonl")
    assert metrics["submissions"] >= 1900 and metrics["true_pairs"] == 1239
    assert metrics["precision"] >= 0.995 and metrics["recall"] >= 0.99, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics


def test_city_d_a_fresh_set_of_messier_free_text_venues_meets_the_targets() -> None:
    """Measured 0.994 / 0.962, 3 reviews for 1,138 true pairs: traditional characters, English
    channel tags, dates in titles, room words no list knows."""
    metrics = evaluate(FRESH / "city_d" / "eval.jsonl")
    assert metrics["submissions"] >= 1800 and metrics["true_pairs"] == 1138
    assert metrics["precision"] >= 0.99 and metrics["recall"] >= 0.96, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics


def test_show_errors_lists_each_wrong_pair_with_the_verdict_on_it(tmp_path) -> None:
    """For an operator tuning an alliance: every false merge and every miss, with the two
    announcements and what the matcher said of them."""
    lines = (INDEPENDENT / "city_b" / "eval.jsonl").read_text(encoding="utf-8").splitlines()[:400]
    records = [json.loads(line) for line in lines]
    records[1]["label"] = records[0]["label"]  # two activities labelled one: a miss to report
    subset = tmp_path / "eval.jsonl"
    subset.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    (tmp_path / "alliance.toml").write_text(
        (INDEPENDENT / "city_b" / "alliance.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "shuxiang", "dedup", "evaluate", str(subset), "--format", "json", "--show-errors"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    missed = [e for e in metrics["errors"] if e["kind"] == "missed"]
    assert len(metrics["errors"]) == (metrics["true_pairs"] - metrics["correct_pairs"]) + (
        metrics["predicted_pairs"] - metrics["correct_pairs"]
    )
    pair = {(a["library_id"], a["source_ref"]) for e in missed for a in e["pair"]}
    assert {(r["library_id"], r["source_ref"]) for r in records[:2]} <= pair
    assert all(e["verdict"] in {"apart", "review", "merge"} and e["reason"] for e in metrics["errors"])
    table = subprocess.run(
        [sys.executable, "-m", "shuxiang", "dedup", "evaluate", str(subset), "--show-errors"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "漏合并 / missed" in table.stdout and records[1]["title"] in table.stdout


HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout"
"""Two more sets by an author who had not read services/dedup (branch evalset2).  Judged unseen
first (city_e 0.988 / 0.914, 18 reviews; city_f 0.986 / 0.842, 20 reviews), then used for tuning
(branch matcher3): tuned figures, not a measure of generalisation."""


def test_city_e_a_holdout_set_with_a_venue_directory() -> None:
    """Measured 0.997 / 0.978, 9 reviews for 1,003 true pairs: places stated in the description,
    library names the file does not spell out, short forms several members share, session numbers
    told by value only."""
    metrics = evaluate(HOLDOUT / "city_e" / "eval.jsonl")
    assert metrics["submissions"] >= 1800 and metrics["true_pairs"] == 1003
    assert metrics["precision"] >= 0.995 and metrics["recall"] >= 0.96, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics


def test_city_f_a_holdout_set_of_free_text_venues_without_a_directory() -> None:
    """Measured 0.984 / 0.980, 10 reviews for 1,020 true pairs (0.942 before the fourth round: one
    library's entries up to an hour apart, a series number only one of them gives; precision 0.986
    before the address field was read: two parallel sessions now joined through a third post)."""
    metrics = evaluate(HOLDOUT / "city_f" / "eval.jsonl")
    assert metrics["submissions"] >= 1700 and metrics["true_pairs"] == 1020
    assert metrics["precision"] >= 0.98 and metrics["recall"] >= 0.975, metrics
    assert metrics["pending_reviews"] <= 0.02 * metrics["true_pairs"], metrics


HOLDOUT2 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout2"
"""The third set written unseen (branch evalset3), by someone who had read neither services/dedup
nor any other set's generator or README.  Judged once, on the code after the third tuning round:
city_g 0.979 / 0.938 with 22 reviews (2.1 %), city_h 0.993 / 0.909 with 14 reviews; since then a
tuning set too."""
HOLDOUT3 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout3"
"""The fourth (branch evalset4, the same independence).  Judged once, at the start of the fourth
tuning round: city_i 0.965 / 0.804 with 23 reviews (2.3 %), city_j 0.985 / 0.787 with 21 (2.1 %);
since then a tuning set."""
HOLDOUT4 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout4"
"""The fifth (branch evalset5).  Judged once, after the fourth round: city_k 0.992 / 0.830 with 16
reviews (1.5 %, one announcement refused: its campaign's window), city_l 0.993 / 0.799 with 16
(1.6 %); since then a tuning set."""
HOLDOUT5 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout5"
"""The sixth (branch evalset6).  Judged once, after the fifth round: city_m 0.963 / 0.919 with 11
reviews (1.0 %), city_n 0.946 / 0.914 with 10 (1.0 %) — recall nearer the target than any unseen
pair before, precision below it (exhibitions joined with their opening ceremonies); since then a
tuning set."""
HOLDOUT6 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout6"
"""The seventh (written from the same brief, each author reading no earlier set).  Judged once, on
the code tuned on city_a to city_n: city_o 0.999 / 0.946 with 2 reviews (0.2 %), city_p 0.973 /
0.978 with 3; since then a tuning set."""
HOLDOUT7 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout7"
"""The eighth.  Judged once, on the code tuned on city_a to city_p: city_q 0.995 / 0.969 with 1 review
(0.1 %) — issue 18's targets met on unseen data for the first time — and city_r 0.987 / 0.938 with
1; since then a tuning set."""
HOLDOUT8 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout8"
"""The ninth.  Judged once, on the code tuned on city_a to city_r: city_s 0.994 / 0.956 with 4 reviews
(0.5 %), met; city_t 0.995 / 0.925 with 8 (0.9 %), recall short; since then a tuning set."""
HOLDOUT9 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout9"
"""The tenth.  Judged once, on the code tuned on city_a to city_t: city_u 0.979 / 0.947 with 23 reviews
(1.6 %), city_v 0.981 / 0.960 with 15 (1.0 %), met; since then a tuning set."""
HOLDOUT10 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout10"
"""The eleventh.  Judged once, on the code tuned on city_a to city_v: city_w 1.000 / 0.890 with 20 reviews
(1.9 %), city_x 0.969 / 0.867 with 17 (1.6 %) — postponements that do not say from when; since then a
tuning set."""
HOLDOUT11 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout11"
"""The twelfth.  Judged once, on the code tuned on city_a to city_x: city_y 0.986 / 0.940 with 11
reviews (0.9 %), city_z 0.958 / 0.957 with 12 (1.0 %); since then a tuning set."""
HOLDOUT12 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout12"
"""The thirteenth.  Judged once, on the code tuned on city_a to city_z: city_aa 0.948 / 0.970 with 6
reviews (0.6 %), city_bb 0.955 / 0.967 with 8 (0.8 %); since then a tuning set."""
HOLDOUT13 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout13"
"""The fourteenth.  Judged once, on the code tuned on city_a to city_bb: city_cc 0.997 / 0.934 with 6
reviews (0.6 %), city_dd 1.000 / 0.914 with 9 (0.9 %); since then a tuning set."""
HOLDOUT14 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout14"
"""The fifteenth.  Judged once, on the code tuned on city_a to city_dd: city_ee 0.999 / 0.943 with 6
reviews (0.4 %), city_ff 1.000 / 0.942 with 8 (0.5 %); since then a tuning set."""
HOLDOUT15 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout15"
"""The sixteenth.  Judged once, on the code tuned on city_a to city_ff (7c3d472): city_gg 0.961 /
0.908 with 17 reviews (0.9 %), city_hh 0.946 / 0.942 with 12 (0.7 %) — a weekly session called off
as 【延期】 and moved, titles typed with a branch's 馆 dropped; since then a tuning set."""
HOLDOUT16 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout16"
"""The seventeenth.  Judged once, on the code tuned on city_a to city_hh (e3e351d): city_ii 0.999 /
0.927 with 13 reviews (1.1 %), city_jj 1.000 / 0.932 with 7 (0.8 %) — dates exported as 00:00 and
moved ten minutes, （第二轮报名）, （新时间）, another's brand reposted, the place in the address
field; since then a tuning set."""
HOLDOUT17 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout17"
"""The eighteenth.  Judged once, on the code tuned on city_a to city_jj (69f48f2): city_kk 0.983 /
0.963 with 1 review (0.04 %) — issue 18's targets met — and city_ll 0.966 / 0.972 with 1 — a book
boat's stops, a village hall against a library's branch; since then a tuning set."""
HOLDOUT18 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout18"
"""The nineteenth.  Judged once, on the code tuned on city_a to city_ll (1aef653): city_mm 0.979 /
0.884 with 15 reviews (1.3 %), city_nn 0.956 / 0.870 with 24 (2.1 %) — titles that give only an
issue number or are cut short with …, words in Uyghur or Kazakh before the title, sessions by
language, 加场, a county's library by its first character; since then a tuning set."""


def measured(path: Path) -> Metrics:
    """The pairwise figures of a labelled set, in this process (the CLI's path is tested above)."""
    items = read_labelled(path)
    with tempfile.TemporaryDirectory() as tmp:
        engine = sqlite_engine(Path(tmp) / "dedup.sqlite3")
        try:
            predicted = run_matching(
                load_alliance(path.parent / "alliance.toml"), engine, [i.submission for i in items]
            )
            return pairwise_metrics(items, predicted, reviews=pending_reviews(engine))
        finally:
            engine.dispose()


@pytest.mark.parametrize(
    ("path", "true_pairs", "precision", "recall", "reviews"),
    [  # measured, tuned (precision / recall / reviews): g 0.986/0.987/4, h 0.996/0.990/3, i 0.971/0.958/6,
        # j 0.986/0.944/5, k 0.995/0.965/7 (1 refused), l 0.993/0.969/1, m 0.996/0.960/3, n 0.998/0.955/5,
        # o 1.000/0.973/1, p 0.999/0.989/2, q 0.997/0.971/1, r 0.991/0.956/2, s 0.994/0.970/3, t 0.998/0.954/4,
        # u 0.994/0.973/2, v 0.993/0.974/3, w 0.998/0.942/14, x 0.983/0.934/15, y 0.990/0.956/7,
        # z 0.984/0.948/12, aa 0.968/0.971/5, bb 0.973/0.968/6, cc 0.997/0.954/3, dd 1.000/0.944/3;
        # judged, not tuned on: ee 0.999/0.943/6, ff 1.000/0.942/8
        pytest.param(HOLDOUT2 / "city_g" / "eval.jsonl", 1024, 0.98, 0.98, 7, id="city_g"),
        pytest.param(HOLDOUT2 / "city_h" / "eval.jsonl", 957, 0.99, 0.985, 6, id="city_h"),
        pytest.param(HOLDOUT3 / "city_i" / "eval.jsonl", 1003, 0.965, 0.95, 9, id="city_i"),
        pytest.param(HOLDOUT3 / "city_j" / "eval.jsonl", 980, 0.98, 0.94, 8, id="city_j"),
        pytest.param(HOLDOUT4 / "city_k" / "eval.jsonl", 1054, 0.99, 0.96, 10, id="city_k"),
        pytest.param(HOLDOUT4 / "city_l" / "eval.jsonl", 1026, 0.985, 0.96, 4, id="city_l"),
        pytest.param(HOLDOUT5 / "city_m" / "eval.jsonl", 1106, 0.99, 0.955, 6, id="city_m"),
        pytest.param(HOLDOUT5 / "city_n" / "eval.jsonl", 1005, 0.995, 0.95, 8, id="city_n"),
        pytest.param(HOLDOUT6 / "city_o" / "eval.jsonl", 954, 0.995, 0.965, 4, id="city_o"),
        pytest.param(HOLDOUT6 / "city_p" / "eval.jsonl", 853, 0.995, 0.985, 5, id="city_p"),
        pytest.param(HOLDOUT7 / "city_q" / "eval.jsonl", 1625, 0.99, 0.965, 4, id="city_q"),
        pytest.param(HOLDOUT7 / "city_r" / "eval.jsonl", 1527, 0.985, 0.95, 5, id="city_r"),
        pytest.param(HOLDOUT8 / "city_s" / "eval.jsonl", 834, 0.99, 0.965, 6, id="city_s"),
        pytest.param(HOLDOUT8 / "city_t" / "eval.jsonl", 845, 0.99, 0.95, 7, id="city_t"),
        pytest.param(HOLDOUT9 / "city_u" / "eval.jsonl", 1454, 0.99, 0.965, 5, id="city_u"),
        pytest.param(HOLDOUT9 / "city_v" / "eval.jsonl", 1481, 0.99, 0.97, 6, id="city_v"),
        pytest.param(HOLDOUT10 / "city_w" / "eval.jsonl", 1042, 0.995, 0.935, 17, id="city_w"),
        pytest.param(HOLDOUT10 / "city_x" / "eval.jsonl", 1063, 0.98, 0.93, 18, id="city_x"),
        pytest.param(HOLDOUT11 / "city_y" / "eval.jsonl", 1241, 0.985, 0.95, 10, id="city_y"),
        pytest.param(HOLDOUT11 / "city_z" / "eval.jsonl", 1260, 0.98, 0.945, 15, id="city_z"),
        pytest.param(HOLDOUT12 / "city_aa" / "eval.jsonl", 968, 0.965, 0.965, 8, id="city_aa"),
        pytest.param(HOLDOUT12 / "city_bb" / "eval.jsonl", 987, 0.97, 0.96, 9, id="city_bb"),
        pytest.param(HOLDOUT13 / "city_cc" / "eval.jsonl", 1027, 0.995, 0.95, 6, id="city_cc"),
        pytest.param(HOLDOUT13 / "city_dd" / "eval.jsonl", 962, 0.995, 0.94, 6, id="city_dd"),
        pytest.param(HOLDOUT14 / "city_ee" / "eval.jsonl", 1578, 0.995, 0.98, 6, id="city_ee"),
        pytest.param(HOLDOUT14 / "city_ff" / "eval.jsonl", 1527, 0.995, 0.98, 8, id="city_ff"),
        pytest.param(HOLDOUT15 / "city_gg" / "eval.jsonl", 1862, 0.98, 0.945, 22, id="city_gg"),
        pytest.param(HOLDOUT15 / "city_hh" / "eval.jsonl", 1805, 0.97, 0.965, 13, id="city_hh"),
        pytest.param(HOLDOUT16 / "city_ii" / "eval.jsonl", 1145, 0.995, 0.97, 12, id="city_ii"),
        pytest.param(HOLDOUT16 / "city_jj" / "eval.jsonl", 905, 0.995, 0.96, 8, id="city_jj"),
        pytest.param(HOLDOUT17 / "city_kk" / "eval.jsonl", 2248, 0.99, 0.955, 3, id="city_kk"),
        pytest.param(HOLDOUT17 / "city_ll" / "eval.jsonl", 2157, 0.985, 0.955, 4, id="city_ll"),
        pytest.param(HOLDOUT18 / "city_mm" / "eval.jsonl", 1122, 0.98, 0.935, 17, id="city_mm"),
        pytest.param(HOLDOUT18 / "city_nn" / "eval.jsonl", 1139, 0.97, 0.94, 19, id="city_nn"),
    ],
)
def test_sets_written_unseen_then_tuned_on_at_their_measured_floors(
    path: Path, true_pairs: int, precision: float, recall: float, reviews: int
) -> None:
    """Asserted at the figures measured, a little under them: a change that loses ground fails."""
    metrics = measured(path)
    assert metrics.announcements >= 1500 and metrics.true_pairs == true_pairs
    assert metrics.precision >= precision and metrics.recall >= recall, metrics
    assert metrics.pending_reviews <= reviews, metrics


HOLDOUT19 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout19"
HOLDOUT20 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout20"
HOLDOUT21 = Path(__file__).resolve().parents[1] / "data" / "dedup_holdout21"


@pytest.mark.parametrize(
    ("path", "true_pairs", "precision", "recall", "reviews"),
    [
        # the twentieth pair, judged once at dc5001d: 0.989 / 0.973 and 0.989 / 0.957 — issue 18's
        # targets, met on both sets of a pair the matcher had not seen
        pytest.param(HOLDOUT19 / "city_oo" / "eval.jsonl", 1298, 0.98, 0.95, 25, id="city_oo"),
        pytest.param(HOLDOUT19 / "city_pp" / "eval.jsonl", 1294, 0.98, 0.95, 25, id="city_pp"),
        # the twenty-first, judged once at dc5001d: 0.977 / 0.947 and 0.976 / 0.938, of which 16
        # announcements reuse another activity's (library, source_ref) — one announcement by the
        # contract (0.985 / 0.955 and 0.992 / 0.951 with those references made unique)
        pytest.param(HOLDOUT20 / "city_qq" / "eval.jsonl", 1668, 0.975, 0.945, 33, id="city_qq"),
        pytest.param(HOLDOUT20 / "city_rr" / "eval.jsonl", 1686, 0.975, 0.935, 33, id="city_rr"),
        # the twenty-second, judged once at 8ea74eb: 0.999 / 0.958 and 0.994 / 0.948
        pytest.param(HOLDOUT21 / "city_ss" / "eval.jsonl", 2107, 0.99, 0.955, 42, id="city_ss"),
        pytest.param(HOLDOUT21 / "city_tt" / "eval.jsonl", 2035, 0.99, 0.945, 40, id="city_tt"),
    ],
)
def test_the_last_sets_written_unseen_at_their_judged_figures_not_tuned_on(
    path: Path, true_pairs: int, precision: float, recall: float, reviews: int
) -> None:
    """Issue 18's measure: sets the matcher was never tuned on, asserted at the figures they were
    judged at (a little under), reviews at most 2 % of the true pairs."""
    metrics = measured(path)
    assert metrics.submissions >= 2000 and metrics.true_pairs == true_pairs
    assert metrics.precision >= precision and metrics.recall >= recall, metrics
    assert metrics.pending_reviews <= reviews <= 0.02 * true_pairs, metrics
