"""The manifests folder drives pods: create, update, delete, editor save patterns, bad edits."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from folder_helpers import atomic_rename_over, pod_yaml, podman_pods, running, uid, until, write

from tui.reconciler.pod_plan import folder_id, podman_pod_name
from tui.reconciler.updates import FileProblems
from tui.session import Session

pytestmark = pytest.mark.podman


def manifests(session: Session) -> Path:
    return session.settings.manifests_dir


async def test_create_update_delete_by_file(session: Session, test_labels: dict[str, str]) -> None:
    engine = session.engine
    path = manifests(session) / "web.yaml"
    write(path, pod_yaml("web", test_labels))
    await until(engine, lambda: running(engine, "web"), 30, "web Running")
    first = uid(engine, "web")
    write(path, pod_yaml("web", {**test_labels, "version": "2"}))
    await until(
        engine, lambda: running(engine, "web") and uid(engine, "web") != first, 30, "web replaced"
    )
    assert engine.pods[("default", "web")]["metadata"]["labels"]["version"] == "2"
    path.unlink()
    await until(engine, lambda: ("default", "web") not in engine.pods, 30, "web deleted")
    assert (
        podman_pods(engine, f"io.podtui.folder={folder_id(session.settings.manifests_dir)}") == []
    )


async def test_editor_save_patterns_apply_once_and_ignore_droppings(
    session: Session, test_labels: dict[str, str]
) -> None:
    engine = session.engine
    folder = manifests(session)
    path = folder / "app.yaml"
    write(path, pod_yaml("app", test_labels))
    await until(engine, lambda: running(engine, "app"), 30)
    uids = [uid(engine, "app")]

    # rename-over (write a temp file, rename it onto the manifest)
    atomic_rename_over(path, pod_yaml("app", {**test_labels, "save": "rename"}))
    await until(
        engine, lambda: running(engine, "app") and uid(engine, "app") not in uids, 30, "rename-over"
    )
    uids.append(uid(engine, "app"))

    # truncate, then write in two chunks (a half-written file must not be applied)
    text = pod_yaml("app", {**test_labels, "save": "chunks"})
    with path.open("w") as handle:
        handle.write(text[: len(text) // 2])
        handle.flush()
        os.fsync(handle.fileno())
        handle.write(text[len(text) // 2 :])
    await until(
        engine, lambda: running(engine, "app") and uid(engine, "app") not in uids, 30, "two chunks"
    )
    uids.append(uid(engine, "app"))
    assert engine.pods[("default", "app")]["metadata"]["labels"]["save"] == "chunks"

    # vim's 4913 probe file, a backup file and a swap file are not manifests
    (folder / "4913").write_text("")
    (folder / "app.yaml~").write_text(pod_yaml("backup", test_labels))
    (folder / ".app.yaml.swp").write_text("binary\x00junk")
    (folder / "notes.txt").write_text(pod_yaml("notes", test_labels))
    await session.reconciler.resync()  # a full resync sees the droppings too
    assert ("default", "backup") not in engine.pods and ("default", "notes") not in engine.pods
    assert uid(engine, "app") == uids[-1], "droppings must not restart the pod"


async def test_invalid_edit_keeps_the_pod_and_the_fix_applies(
    session: Session, test_labels: dict[str, str]
) -> None:
    engine = session.engine
    path = manifests(session) / "keep.yaml"
    write(path, pod_yaml("keep", test_labels))
    await until(engine, lambda: running(engine, "keep"), 30)
    good_uid = uid(engine, "keep")
    problems: list[FileProblems] = []
    engine.add_listener(lambda u: problems.append(u) if isinstance(u, FileProblems) else None)
    write(path, pod_yaml("keep", test_labels).replace("containers:", "containerz:"))

    def flagged() -> bool:
        conditions = engine.pods[("default", "keep")]["status"].get("conditions") or []
        return any(
            c["type"] == "podtui.io/ManifestValid" and c["status"] == "False" for c in conditions
        )

    await until(engine, flagged, 15, "invalid-manifest condition")
    assert uid(engine, "keep") == good_uid and running(engine, "keep")
    message = next(
        c
        for c in engine.pods[("default", "keep")]["status"]["conditions"]
        if c["type"] == "podtui.io/ManifestValid"
    )["message"]
    assert f"{path}:" in message and "containerz" in message
    assert any(p.path == str(path) and p.problems for p in problems)
    write(path, pod_yaml("keep", {**test_labels, "fixed": "yes"}))
    await until(
        engine,
        lambda: running(engine, "keep") and uid(engine, "keep") != good_uid,
        30,
        "fix applied",
    )
    assert not flagged()


async def test_rename_with_same_content_keeps_the_pod(
    session: Session, test_labels: dict[str, str]
) -> None:
    engine = session.engine
    path = manifests(session) / "old-name.yaml"
    write(path, pod_yaml("moved", test_labels))
    await until(engine, lambda: running(engine, "moved"), 30)
    before = uid(engine, "moved")
    new_path = path.with_name("new-name.yaml")
    os.rename(path, new_path)
    await until(
        engine,
        lambda: (
            engine.pods[("default", "moved")]["metadata"]["annotations"].get("podtui.io/manifest")
            == str(new_path)
        ),
        15,
        "manifest path updated",
    )
    assert uid(engine, "moved") == before and running(engine, "moved")


async def test_two_files_declaring_one_pod_do_not_flap(
    session: Session, test_labels: dict[str, str]
) -> None:
    engine = session.engine
    folder = manifests(session)
    write(folder / "a.yaml", pod_yaml("twin", {**test_labels, "from": "a"}))
    await until(engine, lambda: running(engine, "twin"), 30)
    first = uid(engine, "twin")
    problems: dict[str, list[str]] = {}
    engine.add_listener(
        lambda u: (
            problems.__setitem__(Path(u.path).name, u.problems)
            if isinstance(u, FileProblems)
            else None
        )
    )
    write(folder / "b.yaml", pod_yaml("twin", {**test_labels, "from": "b"}))
    await until(
        engine,
        lambda: bool(problems.get("a.yaml")) and bool(problems.get("b.yaml")),
        15,
        "conflict on both",
    )
    for _ in range(2):
        await session.reconciler.resync()
    assert uid(engine, "twin") == first, "the first file keeps owning the pod"
    assert engine.pods[("default", "twin")]["metadata"]["labels"]["from"] == "a"
    assert "also declared" in problems["b.yaml"][0]


async def test_fifty_writes_in_a_second_converge(
    session: Session, test_labels: dict[str, str]
) -> None:
    engine = session.engine
    path = manifests(session) / "burst.yaml"
    for index in range(50):
        write(path, pod_yaml(f"burst-{index % 5}", {**test_labels, "n": str(index)}))
        await asyncio.sleep(
            0.02
        )  # the writer's pace (50 writes in about a second), not a wait on podtui

    def converged() -> bool:
        # the last content, not merely the last name: a replace may still be on its way
        # after an earlier burst-4 is running
        pod = engine.pods.get(("default", "burst-4"))
        return (
            running(engine, "burst-4")
            and set(engine.pods) == {("default", "burst-4")}
            and pod is not None
            and pod["metadata"]["labels"]["n"] == "49"
        )

    await until(engine, converged, 60, "converged to the last write")
    await session.reconciler.resync()
    managed = podman_pods(engine, f"io.podtui.folder={folder_id(session.settings.manifests_dir)}")
    wanted = [podman_pod_name("default", "burst-4", session.settings.manifests_dir)]
    assert managed == wanted, f"orphans left: {managed}"


async def test_an_emptied_file_keeps_its_pods(
    session: Session, test_labels: dict[str, str]
) -> None:
    engine = session.engine
    path = manifests(session) / "blank.yaml"
    write(path, pod_yaml("blank", test_labels))
    await until(engine, lambda: running(engine, "blank"), 30)
    before = uid(engine, "blank")
    path.write_text("")  # truncated, as an editor does before it writes
    await until(
        engine,
        lambda: bool(session.reconciler.file_problems.get(path.resolve())),
        10,
        "empty-file problem",
    )
    assert uid(engine, "blank") == before and running(engine, "blank")
    path.unlink()  # deleting the file is how a pod goes
    await until(
        engine, lambda: ("default", "blank") not in engine.pods, 30, "deleted with its file"
    )
