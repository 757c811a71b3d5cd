"""No folder of the product holds more than 12 modules (a module: a `.py` file other than `__init__.py`, counted in
its own folder, not in its subfolders). Past that a folder is split by role, into subfolders by reason to change,
not by line count. tests/ and bench/ are not the product and are not counted."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("domain", "application", "ports", "adapters", "entrypoints")
MOST = 12


def modules_per_folder(root: Path, packages: tuple[str, ...] = PRODUCT) -> dict[str, int]:
    """Each folder under the packages, at any depth, with how many modules it holds itself."""
    counts = {}
    for package in packages:
        top = root / package
        for folder in [top, *sorted(p for p in top.rglob("*") if p.is_dir())]:
            if "__pycache__" in folder.parts:
                continue
            modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
            counts[folder.relative_to(root).as_posix()] = len(modules)
    return counts


def test_no_folder_of_the_product_holds_more_than_12_modules() -> None:
    counts = modules_per_folder(ROOT)
    assert "entrypoints/sandbox/simulators" in counts  # subfolders are counted, not only the top five
    crowded = {folder: n for folder, n in counts.items() if n > MOST}
    assert crowded == {}, f"split these by role into subfolders: {crowded}"


def test_a_crowded_subfolder_is_found_at_any_depth_and_init_files_do_not_count(tmp_path: Path) -> None:
    deep = tmp_path / "adapters" / "tracker" / "events"
    deep.mkdir(parents=True)
    for n in range(MOST + 1):
        (deep / f"kind_{n}.py").write_text("")
    (tmp_path / "adapters" / "__init__.py").write_text("")
    (tmp_path / "adapters" / "store.py").write_text("")
    (tmp_path / "adapters" / "__pycache__").mkdir()

    counts = modules_per_folder(tmp_path, ("adapters",))

    assert counts == {"adapters": 1, "adapters/tracker": 0, "adapters/tracker/events": MOST + 1}
