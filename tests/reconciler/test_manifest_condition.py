"""The podtui.io/ManifestValid condition moves when the file turns invalid, not at pod start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.config import Settings
from tui.engine import Engine
from tui.status.model import PodRecord


def manifest_condition(pod: dict) -> dict | None:
    conditions = pod["status"].get("conditions") or []
    return next((c for c in conditions if c["type"] == "podtui.io/ManifestValid"), None)


def test_the_transition_time_is_when_the_problem_appeared(tmp_path: Path) -> None:
    engine = Engine(Settings.from_env(tmp_path / "manifests", env={}))
    started = datetime(2026, 1, 2, 3, 0, 0, tzinfo=UTC)
    spec = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "keep", "namespace": "default"},
        "spec": {"containers": [{"name": "main", "image": "busybox"}]},
    }
    record = PodRecord("default", "keep", "uid-1", spec, start_time=started, created_at=started)
    assert manifest_condition(engine.pod_object(record, started + timedelta(minutes=1))) is None

    record.problems = ["keep.yaml:3: spec.containerz: unknown field"]
    broken = started + timedelta(minutes=5)
    condition = manifest_condition(engine.pod_object(record, broken))
    assert condition is not None and condition["status"] == "False"
    assert condition["lastTransitionTime"] == "2026-01-02T03:05:00Z"
    # still invalid later: the transition time stays
    later = manifest_condition(engine.pod_object(record, broken + timedelta(minutes=3)))
    assert later is not None and later["lastTransitionTime"] == "2026-01-02T03:05:00Z"

    record.problems = []  # fixed
    assert manifest_condition(engine.pod_object(record, broken + timedelta(minutes=4))) is None
    record.problems = ["keep.yaml:3: broken again"]
    again = manifest_condition(engine.pod_object(record, broken + timedelta(minutes=6)))
    assert again is not None and again["lastTransitionTime"] == "2026-01-02T03:11:00Z"
