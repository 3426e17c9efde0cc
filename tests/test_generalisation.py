"""Pages of our own, in the seeds' style, with expected facts: the rules must hold beyond the seeds.

tests/pages/ holds pages written for these tests (other provinces, autonomous regions, the
hard cases); tests/pages_blind/, tests/pages_holdout/ and tests/pages_blind2/ pages whose text
and expected facts were written by someone who had not read the extractors (the blind sets were
then used to improve them; the holdout set only to measure). All are scored with the shared scorer.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.pipeline.run import extract_facts

HERE = Path(__file__).resolve().parent
SCORER = HERE.parent.parent / "shared" / "eval" / "score.py"


def score(gold_dir: Path, tmp_path: Path) -> tuple[float, float, str]:
    if not SCORER.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/eval/score.py is missing under CI")
        pytest.skip("../shared is not beside this clone")
    extract_facts(sorted(gold_dir.glob("*.txt")), tmp_path)
    out = subprocess.run([sys.executable, str(SCORER), str(gold_dir), str(tmp_path), "--show-errors"],
                         capture_output=True, text=True, check=True).stdout
    last = out.strip().splitlines()[-1]
    entity = float(last.split("entity F1 ")[1].split(",")[0])
    relation = float(last.split("relation F1 ")[1])
    return entity, relation, out


def test_own_pages_score(tmp_path):
    entity, relation, report = score(HERE / "pages", tmp_path)
    assert entity >= 0.95, report
    assert relation >= 0.90, report


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["pages_blind", "pages_holdout", "pages_blind2"])
def test_pages_written_blind_score(tmp_path, folder):
    entity, relation, report = score(HERE / folder, tmp_path)
    assert entity >= 0.95, report  # the real-news issue's target for union pages in the seeds' layout
    assert relation >= 0.90, report
