"""How long the one-command reproduction takes, and how much of it is fixed overhead.

Runs ``citra-eval reproduce --check`` on the example study (every notebook, into a temporary
folder) and, as the baseline measured in the same run, the same pipeline on a copy of the
project whose notebooks only import citra_eval (kernel start, imports, checksums, validation,
manifest: the cost no analysis can avoid). Prints both wall times and their ratio.

    PYTHONPATH=src python benchmarks/bench_reproduce.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from citra_eval import pipeline as rp  # noqa: E402


def _baseline_project(tmp: Path) -> Path:
    proj = tmp / "baseline"
    for d in ("interview_transcripts", "data/raw"):
        shutil.copytree(ROOT / d, proj / d, ignore=shutil.ignore_patterns("*.bak"))
    shutil.copy2(ROOT / "study.yaml", proj / "study.yaml")
    for nb_path in rp.find_notebooks(ROOT):
        nb = nbformat.read(nb_path, as_version=4)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        imports = nbformat.v4.new_code_cell("import citra_eval as ce\n"
                                            "from citra_eval import plots, outputs")
        nb.cells = [*params, imports]
        (proj / "notebooks").mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, proj / "notebooks" / nb_path.name)
    return proj


def main() -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    t0 = time.perf_counter()
    full = rp.reproduce(ROOT, check=True)
    t_full = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        proj = _baseline_project(Path(tmp))
        t0 = time.perf_counter()
        base = rp.reproduce(proj, update_checksums=True)
        t_base = time.perf_counter() - t0
    print(f"cpus: {os.cpu_count()}")
    print(f"full reproduction (--check, {len(full.timings)} notebooks, {len(full.files)} files): "
          f"{t_full:.1f} s; identical to the manifest: {not full.differences}")
    for name, secs in full.timings.items():
        print(f"  {name}: {secs:.1f} s (baseline {base.timings.get(name, float('nan')):.1f} s)")
    print(f"baseline (same notebooks reduced to their imports): {t_base:.1f} s")
    print(f"ratio full / baseline: {t_full / t_base:.2f}")
    return 0 if not full.differences else 1


if __name__ == "__main__":
    sys.exit(main())
