import json, sys
from collections import Counter, defaultdict
sys.path.insert(0, "/work/main")
from shuxiang.schemas.submission import ActivitySubmission
from shuxiang.alliance import load_alliance
for city in ("city_oo", "city_pp"):
    al = load_alliance(f"/work/holdout19/{city}/alliance.toml")
    ids = {m.id for m in al.members}
    vids = {v.id for v in al.venues}
    rows = [json.loads(l) for l in open(f"/work/holdout19/{city}/eval.jsonl", encoding="utf-8")]
    keys = defaultdict(set); srcs = {}
    for row in rows:
        lab = row.pop("label")
        s = ActivitySubmission.model_validate(row)
        assert s.library_id in ids, s.library_id
        for o in s.organizers: assert o.library_id in ids
        if s.venue.venue_id: assert s.venue.venue_id in vids
        if s.brand_id: assert s.brand_id in {b.id for b in al.brands}
        if s.campaign_id: assert s.campaign_id in {c.id for c in al.campaigns}
        keys[(s.library_id, s.title, s.starts_at, s.venue.name)].add(lab)
        k = (s.library_id, s.source_ref)
        if k in srcs: assert srcs[k] == lab, k
        srcs[k] = lab
    bad = {k: v for k, v in keys.items() if len(v) > 1}
    sizes = Counter(Counter(json.loads(l)["label"] for l in open(f"/work/holdout19/{city}/eval.jsonl")).values())
    print(city, len(rows), "labels", sum(sizes.values()), "singles%", round(100*sizes[1]/sum(sizes.values()),1), "collisions", len(bad), list(bad.items())[:3])
