"""Accelerator names: spelling variants reach one canonical name and its vendor, and a more
specific generation keeps its own name."""
import pytest

from extract import lexicon
from extract_support import shared_nlp

pytestmark = pytest.mark.slow


def chips(text: str) -> list[str]:
    return [e.kb_id_ for e in shared_nlp()(text).ents if e.label_ == "CHIP"]


@pytest.mark.parametrize("text, canonical", [
    ("The lab will rent 20,000 H-100 accelerators from the cloud.", "H100"),
    ("The order covers MI-300X GPUs for the new hall.", "MI300X"),
    ("The supercomputer runs on MI300A parts.", "MI300A"),
    ("An older system with MI250X accelerators was retired.", "MI250X"),
    ("Customers can reserve TPUv5e capacity from next month.", "TPU v5e"),
    ("The startup will train on Tensor Processing Units in three regions.", "TPU"),
    ("The lab signed up for TPU v4 pods.", "TPU v4"),
    ("The cloud will offer Rubin CPX systems next year.", "Rubin CPX"),
    ("The contract covers Rubin Ultra racks from 2027.", "Rubin Ultra"),
    ("The startup serves models on Inferentia2 instances.", "Inferentia2"),
    ("The company will deploy Maia 200 chips in its own halls.", "Maia 200"),
    ("The bank bought Gaudi-3 servers for its private cloud.", "Gaudi 3"),
    ("The lab ordered Ascend 910B clusters from the supplier.", "Ascend 910B"),
    ("The system is built from CS-3 machines.", "CS-3"),
    ("The contract covers GB-300 racks.", "GB300"),
])
def test_spelling_variants_reach_the_canonical_name(text, canonical):
    assert canonical in chips(text)


def test_every_chip_has_a_vendor_and_a_rank():
    rows = lexicon.accelerators()
    assert all(r["vendor"] and r["rank"] in (2, 3) for r in rows)
    names = {r["name"] for r in rows}
    assert {"Falcon Shores", "Jaguar Shores", "MTIA", "LPU", "Trainium3", "MI450", "GB300", "Ironwood"} <= names
    surfaces = [a for r in rows for a in [r["name"], *r["aliases"]]]
    assert len(surfaces) == len(set(surfaces)), "a surface form names two chips"
