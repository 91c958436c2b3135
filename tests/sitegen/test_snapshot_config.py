"""The snapshot part of a worker's boot configuration (sitegen/snapshot.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyplayground.sitegen.snapshot import (
    RUNTIME_FILES,
    runtime_digest,
    snapshot_config,
    snapshot_imports,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("page", "module"),
    [
        ("train", "pyplayground.ui.train_app"),
        ("playground", "pyplayground.ui.playground.app"),
        ("lesson", "pyplayground.ui.lesson_app"),
    ],
)
def test_the_snapshot_imports_the_template_and_the_entry_script(page: str, module: str) -> None:
    imports = snapshot_imports(REPO / "web" / f"{page}.py")
    assert imports == ["panel", "panel.io.pyodide", module]


def test_only_module_level_absolute_imports_count(tmp_path: Path) -> None:
    entry = tmp_path / "page.py"
    entry.write_text(
        "import panel as pn\nimport numpy, json\nfrom . import sibling\n"
        "from pyplayground.ui import widgets\n"
        "def later():\n    import pandas\n"
        "if pn.state.served:\n    import yaml\n"
    )
    assert snapshot_imports(entry) == [
        "panel", "panel.io.pyodide", "numpy", "json", "pyplayground.ui",
    ]  # fmt: skip


def fake_site(root: Path) -> Path:
    for rel in (*RUNTIME_FILES, "env/pack.gz", "wheels/ours.whl"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode())
    return root


def test_the_key_changes_with_every_file_and_import_it_depends_on(tmp_path: Path) -> None:
    site = fake_site(tmp_path / "site")
    entry = tmp_path / "train.py"
    entry.write_text("import panel as pn\n")
    packs, wheels = ["./env/pack.gz"], ["./wheels/ours.whl"]
    base = snapshot_config("train", entry, runtime_digest(site, packs, wheels))
    assert base["page"] == "train"
    assert base["key"].startswith("train-") and len(base["key"]) == len("train-") + 16
    assert snapshot_config("train", entry, runtime_digest(site, packs, wheels)) == base
    keys = {base["key"]}
    for rel in (*RUNTIME_FILES, "env/pack.gz", "wheels/ours.whl"):
        original = (site / rel).read_bytes()
        (site / rel).write_bytes(original + b"changed")
        keys.add(snapshot_config("train", entry, runtime_digest(site, packs, wheels))["key"])
        (site / rel).write_bytes(original)
    entry.write_text("import panel as pn\nimport numpy\n")
    keys.add(snapshot_config("train", entry, runtime_digest(site, packs, wheels))["key"])
    assert len(keys) == len(RUNTIME_FILES) + 4


def test_a_missing_runtime_file_fails_the_digest(tmp_path: Path) -> None:
    site = fake_site(tmp_path / "site")
    (site / "static" / "snapshot.js").unlink()
    with pytest.raises(FileNotFoundError):
        runtime_digest(site, ["./env/pack.gz"], ["./wheels/ours.whl"])
