"""The layer contracts of pyproject.toml hold, and import-linter really fails on a forbidden import."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": str(LINT.parent), "PYTHONPATH": str(cwd)})


def test_the_tree_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_core_module_importing_a_domain_app_breaks_the_build(tmp_path):
    for name in ("governance", "orgs", "projects", "grid", "party"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    offender = tmp_path / "governance" / "dashboard.py"
    offender.write_text(offender.read_text(encoding="utf-8") + "\nfrom orgs import selectors  # forbidden\n",
                        encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "The core imports no domain app BROKEN" in result.stdout
    assert "governance.dashboard -> orgs.selectors" in result.stdout
