import json, sys, collections
sys.path.insert(0, '/work/main')
from schemas.submission import ActivitySubmission
from shuxiang.alliance import load_alliance
for city in ('city_ii', 'city_jj'):
    al = load_alliance(f'/work/holdout16/{city}/alliance.toml')
    ids = {m.id for m in al.members}; vids = {v.id for v in al.venues}
    n = 0; keys = collections.defaultdict(set); refs = {}
    for line in open(f'/work/holdout16/{city}/eval.jsonl', encoding='utf-8'):
        o = json.loads(line); lab = o.pop('label')
        sub = ActivitySubmission.model_validate(o)
        assert sub.library_id in ids, sub.library_id
        for org in sub.organizers: assert org.library_id in ids
        if sub.venue.venue_id: assert sub.venue.venue_id in vids
        if sub.brand_id: assert al.brand(sub.brand_id)
        if sub.campaign_id: assert al.campaign(sub.campaign_id)
        rk = (sub.library_id, sub.source_ref)
        if rk in refs: assert refs[rk][0] == lab and sub.revision > refs[rk][1], rk
        refs[rk] = (lab, sub.revision)
        keys[(sub.library_id, sub.title, sub.starts_at, sub.venue.name)].add(lab)
        n += 1
    clash = {k: v for k, v in keys.items() if len(v) > 1}
    print(city, 'ok', n, 'members', len(ids), 'venues', len(vids), 'indistinguishable label clashes', len(clash))
    for k, v in list(clash.items())[:5]: print('  ', k, v)
