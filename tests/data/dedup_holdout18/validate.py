"""Validate holdout18: every line against ActivitySubmission, the alliance files, and look-alike distinctness."""
import json, sys
from collections import defaultdict
from pathlib import Path
from shuxiang.schemas.submission import ActivitySubmission
from shuxiang.alliance import load_alliance

root = Path(__file__).resolve().parent
bad = 0
for city in ("city_mm", "city_nn"):
    al = load_alliance(root / city / "alliance.toml")
    members = {m.id for m in al.members}
    venues = {v.id for v in al.venues}
    seen = defaultdict(set)
    refs = {}
    n = 0
    for i, line in enumerate(open(root / city / "eval.jsonl", encoding="utf-8")):
        d = json.loads(line)
        label = d.pop("label")
        sub = ActivitySubmission.model_validate(d)
        n += 1
        assert sub.library_id in members, sub.library_id
        for o in sub.organizers:
            assert o.library_id in members
        if sub.venue.venue_id:
            assert sub.venue.venue_id in venues
        key = (sub.library_id, sub.title, sub.starts_at, sub.venue.name)
        seen[key].add(label)
        rk = (sub.library_id, sub.source_ref)
        if rk in refs and refs[rk][0] != label:
            print("source_ref shared across labels", rk); bad += 1
        if rk in refs and refs[rk][1] >= sub.revision:
            print("revision not increasing", rk, refs[rk][1], sub.revision); bad += 1
        refs[rk] = (label, sub.revision)
    clash = {k: v for k, v in seen.items() if len(v) > 1}
    for k, v in clash.items():
        print("indistinguishable", city, k, v); bad += 1
    print(city, al.id, len(al.members), "members", len(al.venues), "venues", n, "lines valid")
sys.exit(1 if bad else 0)
