"""The GHL sandbox's starting data: deterministic, varied, shaped like GHL's."""

import re
from collections import Counter

from sandbox.credentials import SANDBOX_GHL_PIPELINE_ID
from sandbox.ghl.data import build_dataset

GHL_ID = re.compile(r"[A-Za-z0-9]{20}\Z")
E164 = re.compile(r"\+1\d{10}\Z")


def test_the_same_seed_gives_the_same_data():
    assert build_dataset(seed=3).contacts == build_dataset(seed=3).contacts


def test_another_seed_gives_other_data():
    assert build_dataset(seed=3).contacts.keys() != build_dataset(seed=4).contacts.keys()


def test_the_sizes_are_configurable():
    dataset = build_dataset(contacts=12, opportunities=5)
    assert (len(dataset.contacts), len(dataset.opportunities)) == (12, 5)


def test_ids_look_like_ghls():
    dataset = build_dataset()
    assert all(GHL_ID.match(i) for i in [*dataset.contacts, *dataset.opportunities])


def test_contacts_vary_as_real_ones_do():
    contacts = list(build_dataset().contacts.values())
    phones = [c["phone"] for c in contacts if c["phone"]]
    assert all(E164.match(p) for p in phones) and len(phones) == len(set(phones))
    assert any(c["email"] and not c["phone"] for c in contacts)
    assert any(c["phone"] and not c["email"] for c in contacts)
    assert any(c["dnd"] for c in contacts)
    assert any(not c["dnd"] and c["dndSettings"]["SMS"]["status"] == "active" for c in contacts)
    assert any(not c["name"].isascii() for c in contacts)


def test_opportunities_cover_both_pipelines_and_every_status():
    opportunities = list(build_dataset().opportunities.values())
    assert {o["pipelineId"] for o in opportunities} >= {SANDBOX_GHL_PIPELINE_ID}
    assert len({o["pipelineId"] for o in opportunities}) == 2
    assert set(Counter(o["status"] for o in opportunities)) == {"open", "won", "lost",
                                                                "abandoned"}


def test_some_opportunities_share_a_creation_millisecond():
    created = Counter(o["createdAt"] for o in build_dataset().opportunities.values())
    assert max(created.values()) >= 2


def test_creation_times_spread_over_many_months():
    months = {o["createdAt"][:7] for o in build_dataset().opportunities.values()}
    assert len(months) >= 12
