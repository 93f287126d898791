"""One-command reproduction: raw inputs → every figure and table, verified byte for byte.

``citra-eval reproduce`` runs inside a study folder (one with ``study.yaml``): it checks the
raw inputs (``study.yaml`` included) against ``data/raw/CHECKSUMS.sha256``, validates the
whole study (:func:`citra_eval.load_study`, as ``citra-eval validate``), executes
``notebooks/NN-*.ipynb`` headless and in order with papermill, and writes the figures, tables,
executed notebooks, ``provenance.json`` and ``MANIFEST.sha256`` to ``reports/``.
``--check`` rebuilds into a temporary folder and lists every file that differs from the
committed manifest; ``verify`` checks the files now in ``reports/`` against it.

Nothing imports this module except the command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path, PurePosixPath

from ._files import broken_link, read_text_file, replace_with_backup, write_text
from ._validation import check_choice, check_lang, check_seed
from ._version import __version__
from ._yaml import read_yaml_file
from .corpus import transcript_files
from .errors import InputError, Problem, elided
from .outputs import (
    CRLF_HINT,
    MANIFEST_NAME,
    NOTE_PREFIX,
    Difference,
    check_manifest,
    checksum_changes,
    file_sha256,
    hash_reports,
    manifest_covers,
    manifest_text,
    only_line_ends_differ,
    read_manifest,
    read_manifest_lines,
)
from .psychometrics import reliability_warnings
from .study import (
    STUDY_FILE,
    Study,
    StudySettings,
    find_study_root,
    load_study,
    saturation_base_problem,
)

__all__ = [
    "CHECKSUMS",
    "NotebookError",
    "ReproduceResult",
    "check_raw_inputs",
    "environment_changes",
    "find_notebooks",
    "foreign_reports_files",
    "input_changes",
    "keep_problem",
    "leftovers",
    "notebook_changes",
    "notebook_notes",
    "provenance_counts",
    "raw_checksums",
    "reproduce",
    "run_notebook",
    "skipped_notebooks",
    "verify",
    "write_raw_checksums",
]

CHECKSUMS = "data/raw/CHECKSUMS.sha256"
RAW_DIRS = ("data/raw", "interview_transcripts")
NOTEBOOK_RE = re.compile(r"^\d{2}-[A-Za-z0-9_-]+\.ipynb$")
#: Jupyter's copy of a notebook (File > Duplicate): ``01-corpus-codebook-Copy1.ipynb``
COPY_RE = re.compile(r"-Copy\d+$")
#: What reproduce replaces in reports/ (anything else there is left alone).
MANAGED = ("figures", "tables", "notebooks", "provenance.json", MANIFEST_NAME)
#: Packages whose versions decide the bytes of the outputs (recorded in provenance.json).
PROVENANCE_PACKAGES = (
    "citra_eval", "numpy", "pandas", "scipy", "statsmodels", "pingouin", "matplotlib",
    "seaborn", "krippendorff", "nltk", "PySastrawi", "PyYAML", "pyahocorasick", "papermill",
    "nbformat", "ipykernel", "scikit-learn", "Pillow",
)
KERNEL_NAME = "citra-eval-python"
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
#: Longest a notebook cell may run, in seconds (``reproduce --cell-timeout``), so a cell that
#: hangs (a pathological regex, an endless loop) stops the run with an error instead.
CELL_TIMEOUT = 1800
#: Prefix of the temporary work folders of a run (kernel connection file and sockets, the
#: executing notebook); a folder whose run was killed is removed by the next run.
WORK_PREFIX = "citra-eval-"
_OWNER_FILE = "owner.pid"
#: Ends the process, from a daemon thread, once its parent (the run) is gone: where the
#: system re-parents orphans (macOS, the BSDs, Linux) ``getppid`` then changes. A thread
#: cannot run while a cell holds the interpreter in C code; on Linux the launcher asks the
#: system as well.
_PARENT_WATCH = """\
import os, threading, time
def _watch_parent(parent, every=1.0):
    def watch():
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=watch, name="citra-eval-parent-watch", daemon=True).start()
"""
#: Run by the kernel's interpreter before ipykernel: on Linux the kernel asks to be killed
#: when reproduce dies (PR_SET_PDEATHSIG), also while a cell holds the interpreter (a
#: thread in the kernel could not notice then); elsewhere a thread watches for it (not on
#: Windows, whose processes keep their parent's id). A killed run leaves no kernel behind.
_KERNEL_LAUNCHER = _PARENT_WATCH + """\
import ctypes, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    _watch_parent(parent)
if os.getppid() != parent:  # reproduce died before the request took effect
    os._exit(1)
sys.argv[0] = "ipykernel_launcher"
runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
"""

Progress = Callable[[str], None]


class NotebookError(RuntimeError):
    """A notebook failed while running; the message names the notebook and the cell.

    Attributes
    ----------
    notebook : str
        The notebook path (repository-relative).
    cell : int or None
        1-based index of the failing cell in the notebook as committed.
    ename, evalue : str
        The exception's class name and message inside the kernel.
    """
    def __init__(self, message: str, *, notebook: str, cell: int | None, ename: str,
                 evalue: str) -> None:
        super().__init__(message)
        self.notebook, self.cell, self.ename, self.evalue = notebook, cell, ename, evalue


@dataclass
class ReproduceResult:
    """What a reproduction did.

    ``timings`` maps each notebook to its wall time in seconds; ``differences`` is filled by a
    ``check`` run: every file of the rebuild or of ``reports/`` (as :func:`verify` checks
    it) that differs from the committed manifest, each named once (empty: everything
    matches); ``notes`` holds the
    notes the notebooks wrote with :func:`citra_eval.note` (``<notebook>: <note>``), e.g. a
    part skipped because the study has one coder.
    """
    reports_dir: Path
    timings: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    #: Filled by a ``check`` run: what differs from the environment ``provenance.json``
    #: recorded, e.g. ``"matplotlib 3.10.0 (here 3.11.2)"`` (see :func:`environment_changes`).
    environment: list[str] = field(default_factory=list)
    #: Filled by a ``check`` run: the notebooks changed since the committed reports were
    #: built (see :func:`notebook_changes`).
    notebooks: list[str] = field(default_factory=list)
    #: Filled by a ``check`` run: the raw inputs changed since the committed reports were
    #: built (see :func:`input_changes`), e.g. a codings file whose checksum line was
    #: updated with it.
    inputs: list[str] = field(default_factory=list)
    #: Filled by a ``check`` run: the files now in ``reports/`` that differ from its
    #: manifest (what :func:`verify` returns); they are in ``differences`` too.
    committed: list[Difference] = field(default_factory=list)


# --------------------------------------------------------------------------- raw inputs

def _raw_files(root: Path) -> dict[str, Path]:
    """Every raw input, by its path in the study folder: ``study.yaml``; every file the
    readers read (the codebook, instrument and responses, the codings files ``study.yaml``
    names or its glob matches, the transcripts :func:`citra_eval.corpus.transcript_files`
    lists), whatever its name and wherever a link leads; and every other file under
    ``data/raw/`` and the transcripts folder (except hidden files, ``README*``, templates
    ``*.template.*``, ``*.bak`` backups and the checksum file itself)."""
    files: dict[str, Path] = {}
    dirs = [root / d for d in RAW_DIRS]
    if (root / STUDY_FILE).is_file():
        settings = StudySettings.load(root / STUDY_FILE)
        files[STUDY_FILE] = root / STUDY_FILE
        read = [settings.codebook, settings.instrument, settings.responses, *settings.codings]
        if settings.transcripts.is_dir():
            read += transcript_files(settings.transcripts)
            dirs.append(root / settings.relative(settings.transcripts))
        else:
            read.append(settings.transcripts)
        # named as the readers reach them: a link by its own name (its target may lie
        # outside the study, or in a hidden folder)
        files.update((settings.relative(p), p) for p in read if p.is_file())
    for base in dirs:
        if not base.is_dir() or not base.is_relative_to(root):
            continue
        for p in base.rglob("*"):
            rel = p.relative_to(root).as_posix()
            if (p.is_file() and not any(part.startswith(".") for part in p.relative_to(
                    root).parts)
                    # READMEs document the inputs and templates show their form; readers
                    # skip both
                    and not p.name.upper().startswith("README")
                    and ".template." not in p.name.lower()
                    # previous versions kept by commands that update a file in place
                    and not p.name.endswith(".bak") and rel != CHECKSUMS):
                files.setdefault(rel, p)
    return dict(sorted(files.items()))


def raw_checksums(root: str | os.PathLike) -> dict[str, str]:
    """``{study-relative path: sha256}`` of every raw input: ``study.yaml``, every file the
    study's readers read (by its path in the study, a link by its own name: its checksum is
    that of the file it leads to), and everything else under ``data/raw`` and the
    transcripts folder (hidden files, ``README*``, templates ``*.template.*``, ``*.bak``
    backups and the checksum file itself excluded)."""
    r = Path(root).resolve()
    return {rel: file_sha256(p) for rel, p in _raw_files(r).items()}


def write_raw_checksums(root: str | os.PathLike) -> Path:
    """Record the current raw inputs in ``data/raw/CHECKSUMS.sha256`` (deliberately).

    The file is updated in place, atomically; its previous version is kept beside it as
    ``CHECKSUMS.sha256.bak``.
    """
    r = Path(root)
    path = _checksums_file(r)
    replace_with_backup(path, manifest_text(raw_checksums(r)))
    return path


def _checksums_file(root: Path) -> Path:
    """``root/data/raw/CHECKSUMS.sha256``; an :class:`InputError` when something other than
    a file is in its place (it could be neither read nor replaced)."""
    path = root / CHECKSUMS
    if path.exists() and not path.is_file():
        raise InputError("a folder, not a file: the checksums of the raw inputs are recorded "
                         "in a file of this name; rename or move the folder, then record the "
                         "inputs with 'citra-eval reproduce --update-checksums'", path=CHECKSUMS)
    return path


@contextlib.contextmanager
def _named_in_study(path: Path, rel: str) -> Iterator[None]:
    """Re-raise an :class:`InputError` about the file ``path`` naming it ``rel``, its path
    relative to the study folder, as every other line does (a reader names a file as it was
    given, here by its absolute path)."""
    try:
        yield
    except InputError as exc:
        raise InputError(problems=[replace(p, path=rel) if p.path == str(path) else p
                                   for p in exc.problems]) from None


def _as_on_disk(recorded: dict, actual: dict) -> dict:
    """``recorded`` ({path: anything}) with each path spelled as the path of ``actual`` it
    equals in Unicode's composed form (NFC): a name stored decomposed (NFD: macOS, some unzip
    tools) is the same name. The one comparison of recorded names with those on disk."""
    on_disk = {unicodedata.normalize("NFC", rel): rel for rel in actual}
    return {on_disk.get(unicodedata.normalize("NFC", rel), rel): v
            for rel, v in recorded.items()}


def check_raw_inputs(root: str | os.PathLike) -> dict[str, str]:
    """Check the raw inputs against ``data/raw/CHECKSUMS.sha256``.

    Returns
    -------
    dict
        The checksums (as for :func:`raw_checksums`) when everything matches.

    Raises
    ------
    InputError
        One problem per changed, missing or unrecorded input file.
    """
    r = Path(root)
    path = _checksums_file(r)
    if not path.is_file():
        raise InputError("no checksums of the raw inputs are recorded; record the current inputs "
                         "with 'citra-eval reproduce --update-checksums'", path=CHECKSUMS)
    with _named_in_study(path, CHECKSUMS):
        listed = read_manifest_lines(path)
    actual = raw_checksums(r)
    listed = _as_on_disk(listed, actual)
    expected = {rel: sha for rel, (sha, _) in listed.items()}
    line_of = {rel: n for rel, (_, n) in listed.items()}
    built_from = _recorded(r / "reports", "inputs")
    hint = ("if the change is deliberate, record it with 'citra-eval reproduce "
            "--update-checksums'")
    problems = []
    for rel, status in checksum_changes(expected, actual):
        e, a = expected.get(rel), actual.get(rel)
        if status == "unlisted":
            problems.append(Problem(rel, f"raw input not listed in {CHECKSUMS}; {hint}"))
        elif status == "missing":  # gone, or a link leading nowhere (say where)
            problems.append(Problem(rel, broken_link(r / rel)
                                    or f"raw input listed in {CHECKSUMS} is missing; {hint}"))
        elif built_from.get(rel) == a:  # the input is as the reports saw it
            problems.append(Problem(CHECKSUMS, f"the checksum recorded for {rel} differs from "
                                    f"that file (sha256 {a[:12]}…, recorded {e[:12]}…), which "
                                    "still matches the checksum reports/provenance.json "
                                    "records for the reports: this line was changed; restore "
                                    f"{CHECKSUMS} from version control", line=line_of[rel]))
        elif only_line_ends_differ(r / rel, e):
            problems.append(Problem(rel, f"raw input differs from {CHECKSUMS}: {CRLF_HINT}"))
        else:
            problems.append(Problem(rel, f"raw input changed since its checksum was recorded in "
                                         f"{CHECKSUMS} (sha256 {a[:12]}…, expected {e[:12]}…); "
                                         f"{hint}"))
    if problems:
        raise InputError(problems=problems)
    return actual


def _input_info(study: Study) -> dict:
    """Names and versions of the codebook and instrument, for provenance.json."""
    info: dict = {}
    if study.codebook is not None:
        info["codebook"] = {"name": study.codebook.name, "version": str(study.codebook.version)}
    if study.instrument is not None:
        info["instrument"] = {"name": str(study.instrument.name),
                              "version": _yaml_version(study.settings.instrument)}
    return info


def _yaml_version(path: Path) -> str | None:
    """The top-level ``version:`` of a YAML input (the instrument keeps none as attribute)."""
    data = read_yaml_file(path)
    v = data.get("version") if isinstance(data, dict) else None
    return None if v is None else str(v)


# --------------------------------------------------------------------------- notebooks

def _numbered_notebooks(root: str | os.PathLike) -> list[Path]:
    d = Path(root) / "notebooks"
    return sorted(p for p in d.glob("*.ipynb") if NOTEBOOK_RE.match(p.name)) if d.is_dir() \
        else []


def skipped_notebooks(root: str | os.PathLike) -> list[str]:
    """The copies Jupyter makes (``NN-slug-Copy1.ipynb``, *File > Duplicate*) in
    ``notebooks/``, relative to the study folder: :func:`find_notebooks` leaves them out."""
    return [f"notebooks/{p.name}" for p in _numbered_notebooks(root)
            if COPY_RE.search(p.stem)]


def find_notebooks(root: str | os.PathLike) -> list[Path]:
    """``notebooks/NN-slug.ipynb`` of the project, in run order.

    Jupyter's copies (``NN-slug-Copy1.ipynb``, :func:`skipped_notebooks`) are left out: run
    too, they would overwrite the original's outputs. Two notebooks with one number are
    refused (an InputError naming both): which runs first, and whose outputs are kept, would
    be a matter of how their names sort.
    """
    found = [p for p in _numbered_notebooks(root) if not COPY_RE.search(p.stem)]
    if not found:
        raise InputError("no notebooks named NN-slug.ipynb found; reproduce runs the "
                         "notebooks/ folder of the project: to use the package's notebooks, "
                         "make a new study beside this one and copy its notebooks/ folder "
                         "here (in the study folder: 'citra-eval init ../citra-notebooks' "
                         "then 'cp -r ../citra-notebooks/notebooks .'), then run again",
                         path="notebooks")
    by_number: dict[str, list[str]] = {}
    for p in found:
        by_number.setdefault(p.name[:2], []).append(f"notebooks/{p.name}")
    twice = [names for names in by_number.values() if len(names) > 1]
    if twice:
        raise InputError(problems=[Problem(names[0], f"{' and '.join(names)} have the same "
                                           "number: the notebooks run in the order of their "
                                           "numbers and may write the same files, so renumber "
                                           "one (or delete it)")
                                   for names in twice])
    return found


@contextlib.contextmanager
def _kernel(workdir: Path) -> Iterator[tuple[str, object]]:
    """A kernel of *this* interpreter with a fixed hash seed and the Agg backend.

    A private kernelspec (never the user's ``python3``, which may point elsewhere) and IPC
    transport (local sockets in ``workdir``; loopback TCP on Windows, and where ``workdir``
    is too deep for a socket's name) are used.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.utils import run_sync

    import citra_eval

    kdir = workdir / "kernels" / KERNEL_NAME
    kdir.mkdir(parents=True, exist_ok=True)
    pkg_parent = str(Path(citra_eval.__file__).resolve().parents[1])
    env = dict(KERNEL_ENV)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (pkg_parent, os.environ.get("PYTHONPATH"))
                                        if x)
    # matplotlib's own defaults, not a matplotlibrc of MATPLOTLIBRC or the config folder
    # (set_reproducible_style resets the style too, also against one in the study folder)
    import importlib.util

    mpl = importlib.util.find_spec("matplotlib")  # not imported: MPLBACKEND may be unknown
    if mpl is not None and mpl.origin:
        env["MATPLOTLIBRC"] = str(Path(mpl.origin).parent / "mpl-data" / "matplotlibrc")
    if sys.platform.startswith("linux"):
        argv = [sys.executable, "-c", _KERNEL_LAUNCHER, str(os.getpid())]
    else:  # no parent-death signal: a kernel may outlive a killed run
        argv = [sys.executable, "-m", "ipykernel_launcher"]
    spec = {"argv": [*argv, "-f", "{connection_file}"],
            "display_name": "citra_eval (reproduce)", "language": "python", "env": env}
    (kdir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    ksm = KernelSpecManager(kernel_dirs=[str(workdir / "kernels")], ensure_native_kernel=False)
    # asynchronous: with a blocking client nbclient waits for output without a timeout, so
    # the cell timeout could never fire
    if os.name == "nt" or not _ipc_fits(workdir / "ipc"):
        # no Unix sockets (Windows), or a temporary folder too deep for a socket's name
        # (a long TMPDIR): loopback TCP
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm,
                                transport="tcp", ip="127.0.0.1")
    else:
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm,
                                transport="ipc", ip=str(workdir / "ipc"))
    # the connection file in the work folder too (not ~/.local/share/jupyter/runtime), so it
    # goes with the folder
    km.connection_file = str(workdir / "kernel-connection.json")
    try:
        yield KERNEL_NAME, km
    finally:
        with contextlib.suppress(Exception):
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)


#: Longest socket path every system takes (``sun_path``: 108 bytes on Linux, 104 on macOS
#: and the BSDs, the final NUL included).
_SOCKET_PATH_LIMIT = 103


def _ipc_fits(base: Path) -> bool:
    """Whether the kernel's sockets ``<base>-<n>`` have names short enough for a Unix
    socket (a long ``TMPDIR`` makes them too long: ``ZMQError: File name too long``)."""
    return len(os.fsencode(str(base))) + len("-99999") <= _SOCKET_PATH_LIMIT


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _failure(exc, source_nb, rel: str) -> NotebookError:
    """Turn papermill's error into one that names the cell of the committed notebook."""
    src = (exc.source or "").strip()
    cell = next((i for i, c in enumerate(source_nb.cells, start=1)
                 if c.cell_type == "code" and c.source.strip() == src), None)
    head = "\n".join("    " + ln for ln in src.splitlines()[:4])
    tb = [_ANSI.sub("", t) for t in (exc.traceback or [])]
    last = [ln for t in tb[-2:] for ln in t.splitlines() if ln.strip()][-6:]
    where = f"cell {cell}" if cell else f"cell {exc.cell_index}"
    final = f"{exc.ename}: {exc.evalue}"
    if last and last[-1].strip() == final.strip():
        last = last[:-1]
    msg = (f"{rel}: {where} failed (execution count {exc.exec_count}):\n{head}\n"
           + "".join(ln + "\n" for ln in last) + final)
    return NotebookError(msg, notebook=rel, cell=cell, ename=exc.ename, evalue=exc.evalue)


#: ``/tmp/ipykernel_123/456.py:1: ScaleWarning: ...``: the file part names the kernel process
#: or the package's folder, which may hold spaces (``/home/Siti Nurhaliza/...``,
#: ``C:\Users\...``)
_WARNING_WHERE = re.compile(r"^[^\n]*?\.py:\d+: (?=\w*Warning: )", re.MULTILINE)


def _strip_volatile(nb, *, rel_input: str, rel_output: str, shown_params: dict) -> None:
    """Remove timestamps, machine paths and the Python patch version from an executed
    notebook (also the file:line prefix of warnings printed on stderr, which names the
    kernel's temporary file)."""
    info = nb.metadata.get("language_info", {})
    if isinstance(info.get("version"), str):  # major.minor, as provenance.json records it
        info["version"] = ".".join(info["version"].split(".")[:2])
    pm = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "environment_variables"):
        pm.pop(key, None)
    pm["input_path"], pm["output_path"] = rel_input, rel_output
    if "parameters" in pm:
        pm["parameters"] = {k: shown_params.get(k, v) for k, v in pm["parameters"].items()}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                o["text"] = _WARNING_WHERE.sub("", o.get("text", ""))
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill")
        if cpm:
            for key in ("start_time", "end_time", "duration"):
                cpm.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id
            # the staging folder is an implementation detail: show where the files end up
            lines = cell.source.splitlines()
            for i, ln in enumerate(lines):
                m = re.match(r"^(\w+) = ", ln)
                if m and m.group(1) in shown_params:
                    lines[i] = f"{m.group(1)} = {shown_params[m.group(1)]!r}"
            cell.source = "\n".join(lines) + "\n"


@contextlib.contextmanager
def _quiet_runner() -> Iterator[None]:
    """Keep the notebook runner's log lines (e.g. nbclient's "Timeout waiting for execute
    reply") off stderr: its failures reach the caller as :class:`NotebookError`."""
    import logging

    log, handler = logging.getLogger("papermill"), logging.NullHandler()
    log.addHandler(handler)
    try:
        yield
    finally:
        log.removeHandler(handler)


def run_notebook(notebook: str | os.PathLike, output: str | os.PathLike, *,
                 parameters: dict, cwd: str | os.PathLike, workdir: str | os.PathLike,
                 shown_params: dict | None = None, rel: str | None = None,
                 cell_timeout: float = CELL_TIMEOUT) -> float:
    """Execute one notebook headless with papermill; return its wall time in seconds.

    Only the parameters the notebook declares in its ``parameters`` cell are passed. A cell
    running longer than ``cell_timeout`` seconds is stopped (its kernel shut down).

    Raises
    ------
    NotebookError
        The notebook failed or a cell timed out; the message names the notebook, the cell
        (1-based, as in the committed notebook), its first lines and the error.
    """
    import nbformat
    import papermill as pm

    nb_path, out = Path(notebook), Path(output)
    rel = rel or nb_path.name
    cell_timeout = _whole_seconds(cell_timeout)
    source_nb = _read_notebook(nb_path)
    # the runner reads a copy with every cell id set (never the user's notebook rewritten)
    source_copy = Path(workdir) / f"source-{nb_path.name}"
    write_text(source_copy, nbformat.writes(source_nb) + "\n")
    declared = pm.inspect_notebook(str(source_copy))
    params = {k: v for k, v in parameters.items() if k in declared}
    tmp_out = Path(workdir) / f"executing-{nb_path.name}"
    t0 = time.perf_counter()
    with _kernel(Path(workdir)) as (kname, km), _quiet_runner():
        try:
            pm.execute_notebook(str(source_copy), str(tmp_out), parameters=params,
                                kernel_name=kname,
                                km=km, cwd=str(cwd), progress_bar=False, log_output=False,
                                request_save_on_cell_execute=False, start_timeout=120,
                                execution_timeout=cell_timeout)
        except pm.PapermillExecutionError as exc:
            raise _failure(exc, source_nb, rel) from None
        except TimeoutError as exc:  # nbclient's CellTimeoutError
            cell = _timed_out_cell(exc, source_nb)
            where = f"cell {cell}" if cell else "a cell"
            why = (f"ran longer than {cell_timeout} s (reproduce --cell-timeout); if it "
                   f"needs longer, give it more time (e.g. --cell-timeout {cell_timeout * 4}), "
                   "else a pattern or a loop may never end")
            raise NotebookError(f"{rel} stopped: {where} {why}", notebook=rel, cell=cell,
                                ename="CellTimeoutError", evalue=why) from None
    seconds = time.perf_counter() - t0
    executed = nbformat.read(tmp_out, as_version=4)
    shown = {k: v for k, v in (shown_params or {}).items() if k in params}
    _strip_volatile(executed, rel_input=rel, rel_output=f"reports/notebooks/{nb_path.name}",
                    shown_params=shown)
    write_text(out, nbformat.writes(executed) + "\n")
    tmp_out.unlink(missing_ok=True)
    source_copy.unlink(missing_ok=True)
    return seconds


def _read_notebook(path: Path):
    """The notebook ``path`` (nbformat 4), with an id for every cell: a cell without one
    (added by hand, or by a tool writing nbformat 4.4) gets ``cell-<n>`` (its 1-based
    position), so the executed copies stay byte-identical (nbformat would draw a random id,
    and warn with its own file's path). The file itself is not changed."""
    import warnings

    import nbformat

    text = path.read_text(encoding="utf-8")
    try:
        cells = json.loads(text).get("cells", [])
        missing = [i for i, c in enumerate(cells) if isinstance(c, dict) and "id" not in c]
    except (ValueError, AttributeError):  # nbformat names what is wrong
        missing = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Cell is missing an id field")
        nb = nbformat.reads(text, as_version=4)
    if missing:
        taken = {c.get("id") for i, c in enumerate(nb.cells) if i not in missing}
        for i in missing:
            cid = f"cell-{i + 1}"
            while cid in taken:
                cid += "x"
            nb.cells[i]["id"] = cid
            taken.add(cid)
        nb.nbformat_minor = max(nb.nbformat_minor, 5)
    return nb


def _whole_seconds(cell_timeout) -> int:
    """``cell_timeout`` as a positive whole number of seconds, or a ``ValueError``."""
    if isinstance(cell_timeout, bool) or not isinstance(cell_timeout, int | float) \
            or not cell_timeout > 0 or not float(cell_timeout).is_integer():
        raise ValueError(f"cell_timeout must be a positive whole number of seconds, got "
                         f"{cell_timeout!r}")
    return int(cell_timeout)


def _timed_out_cell(exc: BaseException, source_nb) -> int | None:
    """1-based index, in the committed notebook, of the cell whose source nbclient's
    timeout message quotes (None if it cannot be told)."""
    text = str(exc)
    for i, cell in enumerate(source_nb.cells, start=1):
        src = cell.source.strip()
        if cell.cell_type == "code" and src and src.splitlines()[0] in text:
            return i
    return None


def notebook_notes(notebook: str | os.PathLike) -> list[str]:
    """The notes (:func:`citra_eval.note`) an executed notebook wrote, in cell order, each
    once."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                out.extend(ln[len(NOTE_PREFIX):] for ln in o.get("text", "").splitlines()
                           if ln.startswith(NOTE_PREFIX))
    return list(dict.fromkeys(out))  # a note two cells give (e.g. the coverage) once


def notebook_parameters(root: Path, out_dir: str, *, lang: str, seed: int) -> dict:
    """The parameters every notebook may declare (only those it declares are passed).

    The notebooks run with the study folder as their working folder and take everything
    study-specific from ``ce.load_study(study_root, lang=lang, seed=seed)``:

    - ``study_root``: the study folder (``"."``: the notebooks run inside it);
    - ``out_dir``: where ``figures/`` and ``tables/`` go;
    - ``lang``, ``seed``: the language and seed of this run (``reproduce --lang/--seed``,
      else ``study.yaml``), to pass on to :func:`citra_eval.load_study`.

    The older per-file parameters (``root``, ``transcripts``, ``codebook``, ``codings``,
    ``instrument``, ``responses``, paths relative to the study folder) are passed too;
    ``codings`` lists every ``data/raw/codings_<coder>.csv`` (one file per coder).
    """
    codings = sorted(p.relative_to(root).as_posix() for p in (root / "data/raw").glob(
        "codings_*.csv"))
    return {
        "study_root": ".",
        "root": ".",
        "transcripts": "interview_transcripts",
        "codebook": "data/raw/codebook.yaml",
        "codings": codings,
        "instrument": "data/raw/instrument.yaml",
        "responses": "data/raw/survey_responses.csv",
        "lang": lang,
        "seed": seed,
        "out_dir": out_dir,
    }


# --------------------------------------------------------------------------- provenance

def _versions() -> dict[str, str]:
    out = {}
    for name in PROVENANCE_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "citra_eval":

                out[name] = __version__
    return out


def provenance(root: Path, *, inputs: dict[str, str], info: dict, notebooks: list[Path],
               lang: str, seed: int) -> dict:
    """What the reports were built from; nothing time- or machine-dependent."""
    return {
        "generator": "citra-eval reproduce",
        "inputs": inputs,
        **info,
        "notebooks": {p.relative_to(root).as_posix(): file_sha256(p) for p in notebooks},
        "parameters": {"lang": lang, "seed": seed},
        "environment": {"python": ".".join(platform.python_version_tuple()[:2]),
                        **KERNEL_ENV},
        "packages": _versions(),
    }


# --------------------------------------------------------------------------- driver

def _say(progress: Progress | None, msg: str) -> None:
    if progress is not None:
        progress(msg)


def _check_runner() -> None:
    """The notebook runner is an optional extra; say how to get it."""
    import importlib.util

    missing = [m for m in ("papermill", "nbformat", "ipykernel", "jupyter_client")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"reproduce runs the notebooks and needs {', '.join(missing)} (the "
                         "'notebooks' extra): in a clone run 'make install'; with a wheel, "
                         "pip install 'citra_eval-<version>-py3-none-any.whl[notebooks]'",
                         path="citra-eval")


def _recorded(reports: Path, key: str) -> dict:
    """Section ``key`` of the committed ``reports/provenance.json`` (empty if unknown)."""
    try:
        section = json.loads((reports / "provenance.json").read_text(encoding="utf-8"))[key]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return section if isinstance(section, dict) else {}


def environment_changes(reports: str | os.PathLike) -> list[str]:
    """What differs between the environment the committed reports were built in
    (``reports/provenance.json``) and this one: Python's version and the packages'.

    The first suspect when ``reproduce --check`` finds files that differ: figures and tables
    are byte-identical for the same versions, not across them.

    Returns
    -------
    list of str
        ``"<name> <recorded> (here <installed>)"`` per difference, in the recorded order;
        empty when nothing differs or nothing was recorded.
    """
    r = Path(reports)
    was = {**{k: v for k, v in _recorded(r, "environment").items() if k == "python"},
           **_recorded(r, "packages")}
    now = {"python": ".".join(platform.python_version_tuple()[:2]), **_versions()}
    return [f"{name} {v} (here {now.get(name, 'not installed')})" for name, v in was.items()
            if str(v) != now.get(name)]


def _notebooks_now(r: Path) -> dict[str, str]:
    try:
        return {p.relative_to(r).as_posix(): file_sha256(p) for p in find_notebooks(r)}
    except InputError:
        return {}


def _inputs_now(r: Path, was: dict) -> dict[str, str]:
    """The raw inputs' checksums now (:func:`raw_checksums`); with a ``study.yaml`` that
    cannot be read, those of the files ``was`` lists (``validate`` names its problem)."""
    try:
        return raw_checksums(r)
    except InputError:
        return {rel: file_sha256(r / rel) for rel in was if (r / rel).is_file()}


def notebook_changes(root: str | os.PathLike) -> list[str]:
    """The notebooks that differ from those the committed reports were built with (the
    checksums ``reports/provenance.json`` records): what to look at first when
    ``reproduce --check`` finds files that differ.

    Parameters
    ----------
    root : path
        The study folder.

    Returns
    -------
    list of str
        ``"notebooks/03-themes.ipynb: changed since ..."`` (or ``added``, ``removed``) per
        notebook, by path; empty when they match or nothing was recorded.
    """
    r = Path(root)
    was = _recorded(r / "reports", "notebooks")
    if not was:
        return []
    now = _notebooks_now(r)
    was = _as_on_disk(was, now)
    out = []
    for rel, how in checksum_changes(was, now):
        if how == "missing":
            out.append(f"{rel}: removed since reports/provenance.json recorded it")
        elif how == "unlisted":
            out.append(f"{rel}: added since the committed reports were built")
        else:
            out.append(f"{rel}: changed since the committed reports were built (sha256 "
                       f"{now[rel][:12]}…, recorded in reports/provenance.json "
                       f"{str(was[rel])[:12]}…)")
    return out


#: The sections of ``reports/provenance.json`` that record what the reports were built from,
#: and what each holds.
RECORDED = {"inputs": "input", "notebooks": "notebook"}


def input_changes(root: str | os.PathLike, *, only: str | None = None) -> list[str]:
    """The raw inputs (``study.yaml`` included) and notebooks that differ from those the
    reports now in ``reports/`` were built from (the checksums ``reports/provenance.json``
    records): reports that match their manifest may still describe other inputs.

    Parameters
    ----------
    root : path
        The study folder, whose ``reports/provenance.json`` is read.
    only : {"inputs", "notebooks"}, optional
        Compare that section of ``reports/provenance.json`` only (default: both).

    Returns
    -------
    list of str
        One line per such file, by path: ``"<path>: changed since the reports were built
        ...: the reports were built from a different version of this input; restore it, or
        run 'citra-eval reproduce' ..."``; a file the reports were built without is
        ``added ...: they were built without this input ...; remove it, or run ...``, one
        they were built with ``removed ...: restore it, or run ...``; for a file whose only
        difference is CRLF line ends (a git checkout with ``core.autocrlf``), the line-ends
        hint (:data:`citra_eval.outputs.CRLF_HINT`) instead; empty when they match or
        ``reports/provenance.json`` records nothing. Names are compared in one Unicode
        form, as :func:`check_raw_inputs` compares them.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # no reports/provenance.json: nothing known
    ...     input_changes(d)
    []
    """
    if only is not None:
        check_choice(only, "only", tuple(RECORDED))
    r = Path(root)
    reports = r / "reports"
    out = []
    for section, what in RECORDED.items():
        was = _recorded(reports, section)
        if not was or only not in (None, section):
            continue
        now = _notebooks_now(r) if what == "notebook" else _inputs_now(r, was)
        was = _as_on_disk(was, now)
        redo = "run 'citra-eval reproduce'" + (
            " (with --update-checksums if the change is deliberate)" if what == "input"
            else "")
        for rel, how in checksum_changes(was, now):
            if how == "changed" and only_line_ends_differ(r / rel, str(was[rel])):
                # git's conversion (core.autocrlf), not another version: never record it
                out.append(f"{rel}: differs from the checksum reports/provenance.json "
                           f"records: {CRLF_HINT}")
            elif how == "missing":
                out.append(f"{rel}: removed since the reports were built: they were built "
                           f"with this {what}; restore it, or {redo}")
            elif how == "unlisted":
                out.append(f"{rel}: added since the reports were built: they were built "
                           f"without this {what} (reports/provenance.json does not record "
                           f"it); remove it, or {redo}")
            else:
                out.append(f"{rel}: changed since the reports were built (sha256 "
                           f"{now[rel][:12]}…, reports/provenance.json records "
                           f"{str(was[rel])[:12]}…): the reports were built from a different "
                           f"version of this {what}; restore it, or {redo}")
    return sorted(out)


def provenance_counts(root: str | os.PathLike) -> dict[str, int] | None:
    """How many raw inputs and notebooks ``reports/provenance.json`` records the reports
    were built from, checked to be there: what :func:`input_changes` compares.

    Parameters
    ----------
    root : path
        The study folder.

    Returns
    -------
    dict or None
        ``{"inputs": n, "notebooks": m}``; None when there is no ``reports/provenance.json``
        (a study built by an early version: nothing to compare).

    Raises
    ------
    InputError
        ``reports/provenance.json`` is not JSON, or lacks a section (``inputs``,
        ``notebooks``: a mapping of paths to checksums, never empty, since every build reads
        ``study.yaml`` and runs a notebook): what the reports were built from cannot be
        checked, so nothing may be said to match.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     provenance_counts(d) is None
    True
    """
    path = Path(root) / "reports" / "provenance.json"
    rel = "reports/provenance.json"
    if not path.is_file():
        return None
    fix = ("restore it from version control, or run 'citra-eval reproduce' to write it "
           "again")
    try:
        data = json.loads(read_text_file(path))
    except ValueError as exc:
        raise InputError(f"not JSON ({exc}); {fix}", path=rel) from None
    except InputError as exc:
        raise InputError(f"{exc.problems[0].message}", path=rel) from None
    counts = {}
    for section, what in RECORDED.items():
        value = data.get(section) if isinstance(data, dict) else None
        if not isinstance(value, dict) or not value or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise InputError(f"no '{section}' section (the checksum of every {what} the "
                             f"reports were built from, got {elided(repr(value))}), so what "
                             f"the reports were built from cannot be checked; {fix}",
                             path=rel)
        counts[section] = len(value)
    return counts


def _recorded_parameters(reports: Path) -> dict:
    """``lang`` and ``seed`` the committed reports were built with (empty if unknown)."""
    params = _recorded(reports, "parameters")
    out = {}
    if params.get("lang") in ("id", "en"):
        out["lang"] = params["lang"]
    if isinstance(params.get("seed"), int) and not isinstance(params.get("seed"), bool):
        out["seed"] = params["seed"]
    return out


def _prepare(root: Path, *, lang: str | None, seed: int | None, update_checksums: bool,
             warn: Callable[[str], None] | None) -> tuple[dict[str, str], dict, list[Path],
                                                         Study]:
    """Everything that can reject the input, before anything is written: the runner, the
    checksums, the whole study (as ``citra-eval validate``), the notebooks.

    The checksums come before the validation: an edited transcript would otherwise show
    only as codings whose spans no longer fit, never naming the file that changed. With
    ``update_checksums`` the study is validated and the current checksums taken; they are
    recorded only with a successful build (:func:`_record_checksums`), so a failed or
    killed run leaves ``CHECKSUMS.sha256`` beside the reports it describes.
    """
    _check_runner()
    _checksums_file(root)  # before minutes of work: it is written at the end
    if not update_checksums:
        check_raw_inputs(root)
    study = load_study(root, lang=lang, seed=seed)
    # a warning for validate (the other analyses are not affected), but notebook 03 would stop
    problem = saturation_base_problem(study.settings, study.corpus, study.codebook,
                                      study.codings)
    if problem is not None:
        raise InputError(problems=[problem])
    inputs = raw_checksums(root) if update_checksums else check_raw_inputs(root)
    notebooks = find_notebooks(root)
    lines = list(study.warnings)
    lines += [f"warning: {rel}: a copy of a notebook (Jupyter's File > Duplicate), not run: "
              "rename it to a number of its own to run it, or delete it"
              for rel in skipped_notebooks(root)]
    if warn is not None and study.instrument is not None and study.responses is not None:
        # the scales' warnings too, as validate prints them (docs/reproduce.md)
        # named relative to the study, as the ok: and error: lines
        lines += [f"warning: {study.settings.relative(study.settings.responses)}: {line}"
                  for line in reliability_warnings(study.responses, study.instrument,
                                                   min_items=study.settings.min_items)]
    for line in lines:  # the run goes ahead: say what it will skip
        if warn is not None:
            warn(line)
    return inputs, _input_info(study), notebooks, study


def _build(root: Path, out: Path, prepared, *, lang: str, seed: int, shown_out: str,
           progress: Progress | None, workdir: Path, notes: list[str],
           cell_timeout: float = CELL_TIMEOUT) -> dict[str, float]:
    inputs, info, notebooks, _ = prepared
    params = notebook_parameters(root, str(out), lang=lang, seed=seed)
    timings: dict[str, float] = {}
    for i, nb in enumerate(notebooks, start=1):
        rel = nb.relative_to(root).as_posix()
        _say(progress, f"[{i}/{len(notebooks)}] {nb.name} ...")
        secs = run_notebook(nb, out / "notebooks" / nb.name, parameters=params, cwd=root,
                            workdir=workdir, shown_params={"out_dir": shown_out}, rel=rel,
                            cell_timeout=cell_timeout)
        timings[nb.name] = secs
        notes.extend(f"{rel}: {n}" for n in notebook_notes(out / "notebooks" / nb.name))
        _say(progress, f"[{i}/{len(notebooks)}] {nb.name} done in {secs:.1f} s")
    prov = provenance(root, inputs=inputs, info=info, notebooks=notebooks, lang=lang, seed=seed)
    write_text(out / "provenance.json",
               json.dumps(prov, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return timings


def _record_checksums(root: Path, inputs: dict[str, str]) -> None:
    """Record ``inputs`` (taken before the run, unchanged during it) in ``CHECKSUMS.sha256``,
    as :func:`write_raw_checksums` does: in place, atomically, the old version kept."""
    replace_with_backup(root / CHECKSUMS, manifest_text(inputs))


def _check_unchanged(root: Path, before: dict[str, str]) -> None:
    """Refuse a run during which a raw input changed (a codings file saved while a notebook
    ran): its notebooks may have read different versions, and provenance.json records the
    checksums taken before the run."""
    changed = [rel for rel, _ in checksum_changes(before, raw_checksums(root))]
    if changed:
        raise InputError(problems=[Problem(rel, "raw input changed during the run; nothing "
                                           "was written to reports/; run again")
                                   for rel in changed])


#: The folders of ``reports/`` that reproduce replaces as a whole.
_REPLACED_DIRS = ("figures", "tables", "notebooks")


def _top_level_strays(reports: Path) -> list[Path]:
    """The files at the top of ``reports`` that reproduce does not write (not hidden, not
    :data:`MANAGED`), sorted: no manifest lists them. Folders of one's own (``extra/``) are
    left alone."""
    if not reports.is_dir():
        return []
    return [p for p in sorted(reports.iterdir()) if not p.name.startswith(".")
            and p.name not in MANAGED and p.is_file()]


def foreign_reports_files(reports: str | os.PathLike) -> list[str]:
    """Files in ``reports/figures``, ``reports/tables`` and ``reports/notebooks`` that
    ``reproduce`` did not make, which replacing those folders would delete, and files at
    the top of ``reports/`` it does not write (``reports/notes.md``), which :func:`verify`
    calls ``unlisted`` (one rule for both: reproduce refuses to run while they are there).

    A file reproduce made is one listed in ``reports/MANIFEST.sha256`` (figures and tables)
    or an executed notebook ``notebooks/NN-slug.ipynb`` of a source notebook of that name
    (in the study's ``notebooks/``, or recorded in ``reports/provenance.json``). Hidden
    files and folders (say ``.gitkeep``, ``.ipynb_checkpoints/``) are not counted:
    reproduce keeps them.

    Returns
    -------
    list of str
        Their paths relative to the study folder (``reports/...``), sorted.
    """
    r = Path(reports)
    try:
        listed = set(read_manifest(r / MANIFEST_NAME)) if (r / MANIFEST_NAME).is_file() else set()
    except InputError:  # unreadable: nothing is known to be reproduce's
        listed = set()
    # an executed notebook is one of a source notebook, or of one the reports were built
    # with (provenance.json), its source removed since
    sources = set(_recorded(r, "notebooks")) | {
        f"notebooks/{p.name}" for p in (r.parent / "notebooks").glob("*.ipynb")}
    out = []
    for name in _REPLACED_DIRS:
        d = r / name
        if not d.is_dir() and (d.exists() or d.is_symlink()):
            out.append(f"reports/{name}")  # a user's file where the folder goes
        if not d.is_dir() or d.is_symlink():
            continue
        for f in d.rglob("*"):
            rel = f.relative_to(r)
            if any(part.startswith(".") for part in rel.parts) or f.is_dir():
                continue
            shown = f"reports/{rel.as_posix()}"
            made = (shown in listed if name != "notebooks"
                    else len(rel.parts) == 2 and NOTEBOOK_RE.match(f.name) is not None
                    and f"notebooks/{f.name}" in sources)
            if not made:
                out.append(shown)
    out += [f"reports/{p.name}" for p in _top_level_strays(r)]
    return sorted(out)


def _refuse_foreign_files(reports: Path) -> None:
    """An :class:`InputError` naming every file of :func:`foreign_reports_files`: replacing
    the folders would delete a user's own files (a hand-made figure, a reviewer's table)."""
    found = foreign_reports_files(reports)
    folders = {f"reports/{name}" for name in _REPLACED_DIRS}
    top = {f"reports/{p.name}" for p in _top_level_strays(reports)}
    replaced = (", and reproduce replaces reports/figures/, reports/tables/ and "
                "reports/notebooks/ as a whole")
    if found:
        raise InputError(problems=[Problem(
            rel, ("a file where 'citra-eval reproduce' writes a folder of that name" + replaced
                  if rel in folders else "not made by 'citra-eval reproduce' (not listed in "
                  f"reports/{MANIFEST_NAME})" + (
                      ", so 'citra-eval verify' would call it not listed in the manifest"
                      if rel in top else replaced))
            + "; move the file elsewhere (a folder of your own in reports/ is left alone, "
              "e.g. reports/extra/), then run again (nothing was changed)") for rel in found])


def _install(staging: Path, reports: Path) -> None:
    """Move the managed entries of ``staging`` over those of ``reports``; hidden entries of
    the replaced folders (``.gitkeep``, ``.ipynb_checkpoints/``) are carried over.

    A move that fails (an entry that cannot be renamed) undoes the moves done, so that
    ``reports/`` holds the previous reports as they were, and raises an
    :class:`InputError` naming the entry.
    """
    reports.mkdir(parents=True, exist_ok=True)
    _refuse_foreign_files(reports)  # again: one may have been added during the run
    trash = Path(tempfile.mkdtemp(prefix=".old-", dir=reports))
    done: list[tuple[Path, Path]] = []
    rel = ""

    def move(src: Path, dst: Path) -> None:
        os.replace(src, dst)
        done.append((src, dst))

    try:
        for name in _REPLACED_DIRS:
            src, dst = staging / name, reports / name
            if dst.is_dir() and not dst.is_symlink():
                for entry in dst.iterdir():
                    if entry.name.startswith("."):
                        rel = f"reports/{name}/{entry.name}"
                        src.mkdir(parents=True, exist_ok=True)
                        if not (src / entry.name).exists():
                            move(entry, src / entry.name)
        for name in MANAGED:  # the manifest is last, so it never describes a half-move
            src, dst = staging / name, reports / name
            rel = f"reports/{name}"
            if dst.exists() or dst.is_symlink():
                move(dst, trash / name)
            if src.exists():
                move(src, dst)
    except BaseException as exc:
        undone = _undo(done)
        if not isinstance(exc, OSError):
            raise
        if not undone:
            raise InputError(f"cannot replace it with the rebuilt one: {exc.strerror}; the "
                             "previous reports could not all be put back either: move what "
                             f"is in reports/{trash.name}/ back into reports/ before running "
                             "again (the next run removes that folder)", path=rel) from None
        shutil.rmtree(trash, ignore_errors=True)
        raise InputError(f"cannot replace it with the rebuilt one: {exc.strerror}; the "
                         "previous reports are as they were; make it movable (write "
                         "permission on it and on its folder, not immutable), then run again",
                         path=rel) from None
    shutil.rmtree(trash, ignore_errors=True)


def _undo(done: list[tuple[Path, Path]]) -> bool:
    """Move back what :func:`_install` moved, last first; False when a move back failed."""
    ok = True
    for src, dst in reversed(done):
        try:
            os.replace(dst, src)
        except OSError:
            ok = False
    return ok


def reproduce(root: str | os.PathLike | None = None, *, check: bool = False,
              lang: str | None = None, seed: int | None = None, update_checksums: bool = False,
              progress: Progress | None = None, keep: str | os.PathLike | None = None,
              warn: Callable[[str], None] | None = None,
              cell_timeout: float = CELL_TIMEOUT) -> ReproduceResult:
    """Rebuild every figure and table from the raw inputs.

    Parameters
    ----------
    root : path, optional
        The study folder (default: the folder holding ``study.yaml`` at or above the current
        folder; there must be one: the package's own checkout is never used instead).
    check : bool
        Rebuild into a temporary folder and compare both the rebuild and the files now in
        ``reports/`` (as :func:`verify` does) with the committed ``reports/MANIFEST.sha256``,
        instead of writing ``reports/``.
    lang : {"id", "en"}, optional
        Language of labels in figures and tables. Default: with ``check``, the language the
        committed reports were built with (``reports/provenance.json``), else ``study.yaml``'s
        ``lang``.
    seed : int, optional
        Seed for every random step (bootstrap, sampling); default as for ``lang``.
    update_checksums : bool
        Record the current raw inputs in ``data/raw/CHECKSUMS.sha256`` (deliberately
        accepting changed inputs): validated first, and written only once the rebuilt
        reports are in place (a failed run records nothing). Not with ``check``.
    progress : callable, optional
        Called with one line of text as each notebook starts and finishes.
    keep : path, optional
        With ``check``: copy the rebuilt reports folder here (to inspect what differs). It
        must not exist yet.
    warn : callable, optional
        Called with each ``warning: ...`` line of the study's validation (as ``citra-eval
        validate`` prints them) before the notebooks run.
    cell_timeout : int
        Longest a notebook cell may run, in whole seconds (default :data:`CELL_TIMEOUT`; a
        float such as ``2.0`` is accepted, a fraction is not: the notebook runner counts
        whole seconds); a cell running longer stops the run with a :class:`NotebookError`
        whose ``ename`` is ``CellTimeoutError``.

    Returns
    -------
    ReproduceResult

    Notes
    -----
    A run that writes ``reports/`` holds a lock on the study (a second one on the same
    study exits with an :class:`InputError` instead of mixing their files) and first removes
    what killed runs left: ``reports/.staging-*`` and ``reports/.old-*`` folders and
    temporary ``citra-eval-*`` work folders (kernel connection file and sockets) whose run
    is gone. On Linux the notebook kernel dies with the run, even when the run is killed;
    on macOS and the BSDs a thread of the kernel ends it once the run is gone.

    Raises
    ------
    InputError
        Not a study folder, changed or invalid raw inputs (nothing is written).
        A move installing the rebuilt reports failed (the previous reports are put back).
    NotebookError
        A notebook failed (``reports/`` is left as it was).
    """
    if lang is not None:
        check_lang(lang)
    if seed is not None:
        check_seed(seed)
    if keep is not None and (not check or Path(keep).exists()):
        raise ValueError(f"keep is for check=True and must be a new folder, got {keep!r}")
    if check and update_checksums:
        raise ValueError("update_checksums records the inputs with the reports they build; "
                         "check=True writes no reports, so it cannot go with update_checksums")
    cell_timeout = _whole_seconds(cell_timeout)
    r = find_study_root(root)
    reports = r / "reports"
    if keep is not None and (why := keep_problem(r, keep)):
        raise ValueError(f"keep must be a new folder outside the study's reports and inputs, "
                         f"got {str(keep)!r}: {why}")
    remove_dead_work_folders()
    with contextlib.ExitStack() as stack:
        if not check:
            stack.enter_context(holding_study(r))
            remove_leftovers(reports)
            _refuse_foreign_files(reports)  # before minutes of work, not after
        return _reproduce(r, reports, check=check, lang=lang, seed=seed,
                          update_checksums=update_checksums, progress=progress, keep=keep,
                          warn=warn, cell_timeout=cell_timeout)


def _input_folders(root: Path) -> list[str]:
    """The study's folders ``reproduce --check --keep`` must not write into: ``reports/``,
    ``notebooks/``, the raw-input folders and the transcripts folder ``study.yaml`` names,
    relative to the study folder."""
    folders = ["reports", "notebooks", *RAW_DIRS]
    with contextlib.suppress(InputError, OSError, ValueError):  # validate names the problem
        settings = StudySettings.load(root / STUDY_FILE)
        folders.append(settings.relative(settings.transcripts))
    return list(dict.fromkeys(folders))


def keep_problem(root: str | os.PathLike, keep: str | os.PathLike) -> str | None:
    """Why ``keep`` (``reproduce --check --keep``, relative to the current folder) cannot
    receive the rebuilt reports of the study ``root``, or None when it can.

    It must not exist yet, and must lie outside ``reports/`` (copied there, the rebuilt
    files would be files of reports/ that no manifest lists: ``verify`` would fail and
    ``reproduce`` refuse to run until they are deleted) and outside the study's input
    folders (``data/raw/``, the transcripts, ``notebooks/``: they would become inputs).

    Parameters
    ----------
    root : path
        The study folder.
    keep : path
        The folder asked for.

    Returns
    -------
    str or None
        What is wrong and how to fix it (for an error line), or None.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     study = pathlib.Path(d)
    ...     inside = keep_problem(study, study / "reports" / "figures" / "kept")
    ...     outside = keep_problem(study, study.parent / "no-such-rebuilt-folder")
    >>> inside.startswith("it lies inside reports/"), outside
    (True, None)
    """
    r = Path(root).resolve()
    k = Path(keep).resolve()
    if Path(keep).exists() or Path(keep).is_symlink():
        return "it exists already; name a folder that does not exist yet"
    for rel in _input_folders(r):
        if k == r / rel or (r / rel) in k.parents:
            what = ("the reports reproduce writes" if rel == "reports"
                    else "an input folder of the study")
            return (f"it lies inside {rel}/, {what}; keep the rebuilt reports outside it "
                    "(e.g. --keep ../rebuilt, beside the study folder)")
    return None


def _reproduce(r: Path, reports: Path, *, check: bool, lang, seed, update_checksums: bool,
               progress, keep, warn, cell_timeout: float) -> ReproduceResult:
    if check:
        _manifest(r)  # before the build, not after minutes of it
        recorded = _recorded_parameters(reports)
        lang = lang if lang is not None else recorded.get("lang")
        seed = seed if seed is not None else recorded.get("seed")
    t0 = time.perf_counter()
    prepared = _prepare(r, lang=lang, seed=seed, update_checksums=update_checksums, warn=warn)
    lang, seed = prepared[3].settings.lang, prepared[3].settings.seed
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX) as work:
        workdir = Path(work)
        (workdir / _OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")
        if check:
            out = workdir / "reports"
        else:  # staged inside reports/ so that the final moves are renames on one filesystem
            try:
                out = Path(tempfile.mkdtemp(prefix=".staging-", dir=_mkdir(reports)))
            except OSError as exc:
                raise InputError(f"cannot write here: {exc.strerror}; make reports/ writable "
                                 "(nothing was changed)", path="reports") from None
        try:
            notes: list[str] = []
            timings = _build(r, out, prepared, lang=lang, seed=seed, shown_out="reports",
                             progress=progress, workdir=workdir, notes=notes,
                             cell_timeout=cell_timeout)
            _check_unchanged(r, prepared[0])
            hashes = {f"reports/{k}": v for k, v in hash_reports(out, root=out).items()}
            result = ReproduceResult(reports, timings, sorted(hashes), notes=notes)
            if check:
                rebuilt = check_manifest(out, manifest=reports / MANIFEST_NAME, root=workdir)
                result.committed = verify(r)  # what a reader of reports/ sees, too
                result.differences = sorted({str(d): d for d in rebuilt + result.committed
                                             }.values(), key=lambda d: (d.path, str(d)))
                result.environment = environment_changes(reports)
                result.notebooks = notebook_changes(r)
                result.inputs = input_changes(r, only="inputs")
                if keep is not None:
                    write_text(out / MANIFEST_NAME, manifest_text(hashes))
                    shutil.copytree(out, keep)
            else:
                write_text(out / MANIFEST_NAME, manifest_text(hashes))
                _install(out, reports)
                if update_checksums:  # with the reports they describe, never before
                    _record_checksums(r, prepared[0])
        finally:
            if not check:
                shutil.rmtree(out, ignore_errors=True)
    result.seconds = time.perf_counter() - t0
    return result


# --------------------------------------------------------------------------- runs


#: The lock a run that writes ``reports/`` holds (hidden, like everything ``reports/.*``).
LOCK_NAME = ".reproduce.lock"


@contextlib.contextmanager
def study_lock(reports: Path, *, holder: str = "citra-eval reproduce") -> Iterator[None]:
    """Hold the study's lock (``reports/.reproduce.lock``) for the block; an
    :class:`InputError` naming the lock file and its holder when another process holds it.

    ``holder`` (the command, e.g. ``"citra-eval reanchor"``) and this process's id are
    written into the lock file, so that a refused command can say what holds it. The system
    drops the lock when its process ends, however it ends: an ``flock`` (``fcntl``) where
    there is one, else a ``msvcrt`` byte-range lock (Windows).
    """
    path = reports / LOCK_NAME
    lock, unlock = _lock_calls()
    if reports.exists() and not reports.is_dir():
        raise InputError("a file, not a folder: citra-eval writes the study's reports into the "
                         "folder reports/; rename or move the file (say to reports.txt), then "
                         "run again (nothing was changed)", path="reports")
    while True:
        try:
            reports.mkdir(parents=True, exist_ok=True)
            fh = open(path, "a+", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write here: {exc.strerror}; make reports/ writable "
                             "(nothing was changed)", path="reports") from None
        try:
            lock(fh)
        except OSError:  # BlockingIOError (flock) or PermissionError (msvcrt)
            fh.close()
            raise InputError(f"{_lock_holder(path)} is running on this study and holds this "
                             "lock; wait for it to finish, then run again (nothing was "
                             "changed)", path=f"reports/{LOCK_NAME}") from None
        if _same_file(fh, path):
            break
        # the holder removed the file as it ended and another run may have made a new one:
        # a lock on the removed file locks nothing
        unlock(fh)
        fh.close()
    with fh:
        try:
            with contextlib.suppress(OSError):
                fh.seek(0)
                fh.truncate()
                fh.write(f"{holder}\n{os.getpid()}\n")
                fh.flush()
            yield
        finally:
            unlock(fh)


def _same_file(fh, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fh.fileno()), os.stat(path))
    except OSError:  # removed meanwhile
        return False


def _lock_holder(path: Path) -> str:
    """Who holds the lock ``path``, from what its holder wrote into it: "another
    'citra-eval reproduce' (process 123)", or "another citra-eval command" when unreadable
    (e.g. locked on Windows, or not yet written)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read(1000).splitlines()
    except OSError:
        lines = []
    if len(lines) < 2 or not lines[0].strip() or not lines[1].strip().isdigit():
        return "another citra-eval command"
    return f"another '{lines[0].strip()}' (process {lines[1].strip()})"


@contextlib.contextmanager
def holding_study(root: str | os.PathLike, *, holder: str = "citra-eval reproduce"
                  ) -> Iterator[None]:
    """Hold the lock of the study folder ``root`` (:func:`study_lock`) for the block, then
    remove the lock file, and ``reports/`` too when the lock made it and it is empty: the
    lock of every command that writes the study's files (``reproduce``; the commands that
    write raw data, so that a run never reads half-changed inputs)."""
    reports = Path(root) / "reports"
    existed = reports.exists()
    with contextlib.ExitStack() as stack:
        stack.enter_context(study_lock(reports, holder=holder))
        stack.callback(_drop_lock_file, reports, existed)
        yield


def _lock_calls():
    """(lock, unlock) of an open file, non-blocking: ``fcntl.flock`` on POSIX systems, else
    ``msvcrt.locking`` of the file's first byte (Windows)."""
    try:
        import fcntl
    except ImportError:
        import msvcrt

        def lock(fh) -> None:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

        def unlock(fh) -> None:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

        return lock, unlock
    return (lambda fh: fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB),
            lambda fh: fcntl.flock(fh, fcntl.LOCK_UN))


def _drop_lock_file(reports: Path, existed: bool) -> None:
    """Remove the lock file (still locked: a run starting now fails at once rather than
    waiting); a failed first run leaves nothing, not even an empty ``reports/``."""
    with contextlib.suppress(OSError):
        (reports / LOCK_NAME).unlink()
        if not existed:
            reports.rmdir()  # only when empty


def _leftover_folders(reports: Path) -> list[Path]:
    """The ``.staging-*`` and ``.old-*`` folders in ``reports``, sorted."""
    if not reports.is_dir():
        return []
    return [p for p in sorted(reports.iterdir()) if p.is_dir() and not p.is_symlink()
            and p.name.startswith((".staging-", ".old-"))]


def remove_leftovers(reports: Path) -> list[Path]:
    """Remove the ``.staging-*`` and ``.old-*`` folders killed runs left in ``reports``
    (call with the study lock held); return what was removed."""
    gone = _leftover_folders(reports)
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
    return gone


def leftovers(reports: str | os.PathLike) -> list[Path]:
    """What runs that were stopped (killed) left in ``reports``: the lock file and the
    ``.staging-*`` and ``.old-*`` folders, which the next writing ``reproduce`` removes.

    Nothing is removed here (``reproduce --check`` and ``verify`` write nothing into
    ``reports/``); while a run holds the lock, what is there is its own and nothing is
    listed.

    Returns
    -------
    list of Path
        Sorted by name.
    """
    r = Path(reports)
    lock_path = r / LOCK_NAME
    if lock_path.is_file():
        lock, unlock = _lock_calls()
        try:
            with open(lock_path, encoding="utf-8") as fh:
                lock(fh)
                unlock(fh)
        except OSError:  # held: a run is going on
            return []
    found = _leftover_folders(r) + ([lock_path] if lock_path.is_file() else [])
    return sorted(found, key=lambda p: p.name)


def remove_dead_work_folders(tmp: str | os.PathLike | None = None) -> list[Path]:
    """Remove the temporary ``citra-eval-*`` work folders (in ``tmp``, default the system's)
    whose run has ended without cleaning up (killed): those whose recorded process is gone.
    Folders of running processes, of other users and without the record are left alone."""
    base = Path(tmp if tmp is not None else tempfile.gettempdir())
    gone = []
    try:
        candidates = [p for p in base.glob(WORK_PREFIX + "*") if p.is_dir() and not
                      p.is_symlink() and p.stat().st_uid == os.getuid()]
    except (OSError, AttributeError):  # pragma: no cover - no getuid on Windows
        return gone
    for p in candidates:
        try:
            pid = int((p / _OWNER_FILE).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)
            gone.append(p)
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def verify(root: str | os.PathLike | None = None) -> list[Difference]:
    """Check the files now in ``reports/`` against ``reports/MANIFEST.sha256``.

    Parameters
    ----------
    root : path, optional
        The study folder (default: the folder holding ``study.yaml`` at or above the current
        folder).

    Returns
    -------
    list of Difference
        Sorted by path; empty when every generated file matches. A file at the top of
        ``reports/`` that reproduce does not write is ``unlisted``, as one in
        ``reports/tables/`` is (folders of one's own, say ``reports/extra/``, and hidden
        entries are left alone).

    Raises
    ------
    InputError
        Not inside a study folder, or no readable manifest.

    Notes
    -----
    The executed notebooks (``reports/notebooks/``) are not in the manifest, so they are
    not checked (see ``docs/reproduce.md``).
    """
    r = find_study_root(root)
    reports = r / "reports"
    diffs = check_manifest(reports, manifest=_manifest(r), root=r)
    listed = {d.path for d in diffs}
    stray = [Difference(f"reports/{p.name}", "unlisted", actual=file_sha256(p))
             for p in _top_level_strays(reports) if f"reports/{p.name}" not in listed]
    return sorted(diffs + stray, key=lambda d: d.path)


def _manifest(root: Path) -> Path:
    """The study's ``reports/MANIFEST.sha256``; missing or unreadable (a malformed line, not
    UTF-8), an :class:`InputError` naming it relative to the study folder (as every line of
    the contract does)."""
    path = root / "reports" / MANIFEST_NAME
    rel = f"reports/{MANIFEST_NAME}"
    if not path.is_file():
        raise InputError("manifest not found; run 'citra-eval reproduce' to create it",
                         path=rel)
    with _named_in_study(path, rel):
        lines = read_manifest_lines(path)
    fix = ("restore the manifest from version control, or run 'citra-eval reproduce' to "
           "write it again")
    if not lines:
        raise InputError(f"empty: the manifest lists no file (reproduce lists every figure "
                         f"and table in it, and provenance.json); {fix}", path=rel)
    problems = []
    for name, (_, n) in lines.items():
        parts = PurePosixPath(name).parts
        if (len(parts) < 2 or parts[0] != "reports" or ".." in parts or "\\" in name
                or name.startswith("/")):
            problems.append(Problem(rel, f"{name!r} is not a file in reports/: the manifest "
                                         f"lists the files of reports/ only; {fix}", line=n))
        elif not manifest_covers("/".join(parts[1:])):
            # a line for a file no check hashes would call it missing, though it is there
            problems.append(Problem(rel, f"{name!r} is not a file the manifest covers: it "
                                         "lists the figures and tables (reports/figures/, "
                                         "reports/tables/) and reports/provenance.json, "
                                         "never the executed notebooks, hidden files or "
                                         f"itself; {fix}", line=n))
    if problems:
        raise InputError(problems=problems)
    return path
