import json, sys
from collections import defaultdict
sys.path.insert(0, "/work/main")
from shuxiang.alliance import load_alliance
from shuxiang.schemas.submission import ActivitySubmission
for city in ("city_gg", "city_hh"):
    al = load_alliance(f"{city}/alliance.toml")
    ids = {m.id for m in al.members}; vids = {v.id for v in al.venues}
    bad = 0; keys = defaultdict(set); refs = defaultdict(set); n = 0
    for i, line in enumerate(open(f"{city}/eval.jsonl", encoding="utf-8")):
        d = json.loads(line); lab = d.pop("label"); n += 1
        try:
            s = ActivitySubmission.model_validate(d)
        except Exception as e:
            bad += 1; print(i, e); continue
        assert s.library_id in ids and all(o.library_id in ids for o in s.organizers)
        if s.venue.venue_id: assert s.venue.venue_id in vids
        keys[(s.library_id, s.title, s.starts_at, s.venue.name)].add(lab)
        refs[(s.library_id, s.source_ref)].add(lab)
    coll = [k for k, v in keys.items() if len(v) > 1]
    refcoll = [k for k, v in refs.items() if len(v) > 1]
    print(city, len(al.members), "members", n, "lines", bad, "invalid", len(coll), "identical-key collisions", len(refcoll), "source_ref shared across labels")
    for k in coll[:5]: print("  ", k, keys[k])
