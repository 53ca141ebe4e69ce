"""Activity ids: deterministic, unique per announcement, ordered as activities were first announced."""

from __future__ import annotations

import random
import uuid

from shuxiang.services.dedup.handlers import canonical_id


def test_an_id_is_a_version_8_uuid_fixed_by_the_announcement_and_its_first_message() -> None:
    made = uuid.UUID(canonical_id("jn", "j1", 7))
    assert made.version == 8 and made.variant == uuid.RFC_4122
    assert canonical_id("jn", "j1", 7) == str(made)
    assert canonical_id("jn", "j2", 7) != str(made) and canonical_id("tz", "j1", 7) != str(made)
    assert canonical_id("jn", "j1", 8) != str(made)


def test_ids_sort_as_text_in_the_order_their_first_messages_arrived() -> None:
    rng = random.Random(423)
    seqs = sorted(rng.sample(range(1, 2**40), 5_000))
    ids = [canonical_id(f"lib{rng.randrange(30)}", f"ref-{rng.randrange(10**9)}", seq) for seq in seqs]
    assert sorted(ids) == ids
    assert len(set(ids)) == len(ids)
