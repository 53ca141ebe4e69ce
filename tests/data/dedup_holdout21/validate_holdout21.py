import json, sys, collections, re
sys.path.insert(0, "/work/main")
from schemas.submission import ActivitySubmission
from shuxiang.alliance import load_alliance
bad = 0
for c in ("city_ss", "city_tt"):
    al = load_alliance(f"/work/holdout21/{c}/alliance.toml")
    ids = {m.id for m in al.members}; vids = {v.id for v in al.venues}
    keys = collections.defaultdict(set); n = 0
    for line in open(f"/work/holdout21/{c}/eval.jsonl", encoding="utf-8"):
        d = json.loads(line); lab = d.pop("label"); n += 1
        s = ActivitySubmission.model_validate(d)
        assert s.library_id in ids, s.library_id
        for o in s.organizers: assert o.library_id in ids
        if s.venue.venue_id: assert s.venue.venue_id in vids
        if s.brand_id: assert al.brand(s.brand_id)
        if s.campaign_id: assert al.campaign(s.campaign_id)
        t = re.sub(r"\s", "", s.title)
        keys[(s.library_id, t, s.starts_at.timestamp(), s.venue.name)].add(lab)
    clash = {k: v for k, v in keys.items() if len(v) > 1}
    bad += len(clash)
    print(c, n, "lines valid;", len(al.members), "members;", len(al.venues), "venues; indistinguishable cross-label keys:", len(clash))
    for k, v in list(clash.items())[:5]: print("  ", k, v)
sys.exit(1 if bad else 0)
