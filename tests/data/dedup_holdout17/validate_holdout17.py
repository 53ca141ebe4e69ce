"""Validate every line against ActivitySubmission, load alliances, check look-alike distinguishability."""
import json, re, sys
from collections import defaultdict
from datetime import datetime
sys.path.insert(0, "/work/main")
from schemas.submission import ActivitySubmission
from shuxiang.alliance import load_alliance

def core(t):
    t = re.sub(r"【[^】]*】|\[[^\]]*\]|（[^）]*）|\([^)]*\)|[^\w\u4e00-\u9fff]", "", t)
    return t

bad = 0
for city in ("city_kk", "city_ll"):
    al = load_alliance(f"{city}/alliance.toml")
    ids = {m.id for m in al.members}
    seen = defaultdict(set); refs = {}
    for i, line in enumerate(open(f"{city}/eval.jsonl", encoding="utf-8")):
        d = json.loads(line); lab = d.pop("label")
        s = ActivitySubmission.model_validate(d)
        assert s.library_id in ids and all(o.library_id in ids for o in s.organizers), (city, i)
        if s.venue.venue_id: assert al.venue(s.venue.venue_id), s.venue.venue_id
        key = (s.library_id, s.source_ref)
        if key in refs: assert refs[key][0] == lab and refs[key][1] < s.revision, (city, i, key)
        refs[key] = (lab, s.revision)
        st = s.starts_at.astimezone(al.tz)
        seen[(s.library_id, core(s.title), st.strftime("%Y-%m-%d %H:%M"), s.venue.name)].add(lab)
    coll = {k: v for k, v in seen.items() if len(v) > 1}
    print(city, "alliance ok,", len(al.members), "members; identical-key collisions across labels:", len(coll))
    for k, v in list(coll.items())[:10]: print("  ", k, v)
    bad += len(coll)
sys.exit(1 if bad else 0)
