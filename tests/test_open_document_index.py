"""The uid index an edit derives (a layer of changes over the previous index) reads and iterates
exactly like a dict copied and updated the same way, across many edits and folds."""

from __future__ import annotations

import random

from annotator.app.open_document import UidIndex


def test_layered_index_equals_a_dict_updated_the_same_way() -> None:
    rng = random.Random(3)
    plain = {f"u{i}": i for i in range(400)}
    layered = dict(plain)
    next_uid = 400
    for step in range(1500):
        uids = list(plain)
        gone = set(rng.sample(uids, min(len(uids), rng.randint(0, 1))))
        shown = {}
        for _ in range(rng.randint(0, 2)):
            choice = rng.random()
            if choice < 0.4:
                shown[f"u{next_uid}"] = -next_uid  # new
                next_uid += 1
            elif choice < 0.7:
                uid = rng.choice(uids)
                shown[uid] = rng.random()  # changed in place
            else:
                shown[f"u{rng.randrange(next_uid)}"] = step  # maybe one removed before: back again
        gone -= shown.keys()
        expected = dict(plain)
        for uid in gone:
            expected.pop(uid, None)
        expected.update(shown)
        layered = UidIndex.after(layered, gone, shown)
        plain = expected
        assert list(layered) == list(expected), f"step {step}"
        assert list(layered.values()) == list(expected.values())
        assert len(layered) == len(expected) and layered == expected
        probe = f"u{rng.randrange(next_uid + 5)}"
        assert (probe in layered) == (probe in expected)
        assert layered.get(probe, "none") == expected.get(probe, "none")
    assert isinstance(layered, (dict, UidIndex))
