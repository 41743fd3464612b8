"""Measure the book's run-time budgets and write the tables the instructors' page shows.

What it measures, in this order:

1. every notebook in ``notebooks/`` (sorted), one at a time, cold: a fresh kernel started by a
   fresh child process, an empty ``run_grid`` cache (``$TLUTILS_CACHE_DIR`` points at a new
   temporary folder for each notebook), the book build's environment (the variables the
   Makefile exports, e.g. ``TF_CPP_MIN_LOG_LEVEL=3``, ``PYTHONHASHSEED=0``) and ``notebooks/``
   as working directory.
   It records the wall time of the execution (kernel start to kernel shutdown) and the peak
   resident memory of the largest process, which is the kernel;
2. a cold book build, done as ``make book`` does it, into a new temporary ``--path-output`` (so
   the execution cache is empty) with an empty run_grid cache: ``tools/execute_book.py``
   executes the notebooks several at a time (one per core, at most 4), then
   ``jupyter-book build book --warningiserror --keep-going`` renders the site. Its time is the
   sum of the two steps: the budget for the whole book executing cold;
3. a rebuild of that same output folder with nothing changed (the execution cache is hit).

It writes four files into ``--output-dir`` (default ``book/benchmark``):

- ``benchmark.csv``: one row per measurement (columns ``item, kind, wall_s, peak_mb, budget,
  within_budget``), plus a ``total`` row for the notebooks (their times summed, as if run one
  after another on one core, and the largest peak, which has the per-notebook budget);
- ``notebooks.md`` and ``build.md``: a Markdown table plus one line about the machine, meant to
  be pulled into a page of ``book/chapters/`` with MyST's ``{include}`` directive;
- ``benchmark.md``: both tables on one plain-Markdown page, to read in the repository.

Budgets: every notebook, alone in a fresh kernel, takes at most 60 s and peaks at 2.5 GB
(2500 MB, 1 MB = 10**6 bytes); the cold build, which executes the whole book on the machine's
cores and renders it, takes 240 s at most; a rebuild with no change takes 20 s at most.

Usage (from the repository root, with the project's virtualenv)::

    python tools/bench.py                        # everything (three times the book's run time)
    python tools/bench.py --notebooks 03_how_much_target_data --skip-build --output-dir /tmp/b
    python tools/bench.py --quick --output-dir /tmp/b   # smoke test of this tool (seconds)

Exit status: 0 when every measurement is within its budget (or with ``--no-fail``), 1 when a
budget is missed, 2 for bad arguments or a notebook or build that fails. A failing notebook
does not stop the others, but then the build is not timed and no file is written, so the
committed tables always come from a complete, successful run. ``--notebooks`` and
``--skip-build`` write only what they measured: point ``--output-dir`` elsewhere for such
partial runs.

Peak memory comes from ``getrusage(RUSAGE_CHILDREN)`` in the child process that runs the
kernel (or the build), so it is exact and needs no extra package, but Unix only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import execute_book  # noqa: E402  (tools/execute_book.py: the first step of make book)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
BOOK_DIR = ROOT / "book"
DEFAULT_OUTPUT_DIR = BOOK_DIR / "benchmark"
DOC_PREFIX = "../notebooks/"
"""How a page in ``book/chapters/`` links to a notebook page."""

MAKEFILE = ROOT / "Makefile"
DEFAULT_BUILD_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
"""Used when the Makefile cannot be read; otherwise its ``export NAME := value`` lines win."""
MAKE_EXPORT = re.compile(r"^export\s+([A-Za-z_][A-Za-z0-9_]*)\s*:?=\s*(\S*)\s*$", re.M)
CACHE_ENV_VAR = "TLUTILS_CACHE_DIR"
"""Where ``tlutils.experiments.run_grid`` caches results (a fresh folder makes a cold run)."""

CELL_TIMEOUT_S = 600
"""Per-cell timeout, as ``execute.timeout`` in ``book/_config.yml``."""
BUILD_TIMEOUT_S = 3600

CSV_COLUMNS = ("item", "kind", "wall_s", "peak_mb", "budget", "within_budget")
KINDS = ("notebook", "book", "total")
YES = "✓ yes"
NO = "✗ **no**"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
"""Terminal colour codes, which IPython puts into tracebacks."""
SPHINX_PROBLEM = re.compile(r": (WARNING|ERROR|CRITICAL|SEVERE):|^(WARNING|ERROR):")
"""Lines of a Sphinx log that explain a failed ``--warningiserror`` build."""
CHILD_FLAG = "--run-child"
"""Hidden first argument: this file re-runs itself as the measuring child process."""


@dataclass(frozen=True)
class Budget:
    """Limits on the measured wall time (``wall_s``, seconds) and peak memory (``peak_mb``, MB).

    A limit left at ``None`` does not apply; at least one must be set.

    Examples
    --------
    >>> budget = Budget(wall_s=60, peak_mb=2500)
    >>> budget.holds(Measurement(wall_s=40.0, peak_mb=900.0)), budget.describe()
    (True, 'time ≤ 60 s, peak ≤ 2500 MB')
    >>> budget.holds(Measurement(wall_s=61.0, peak_mb=900.0))
    False
    >>> Budget(wall_s=20).as_csv()
    'wall_s <= 20'
    """

    wall_s: float | None = None
    peak_mb: float | None = None

    def __post_init__(self) -> None:
        if self.wall_s is None and self.peak_mb is None:
            raise ValueError("Budget() has no limit; allowed: wall_s, peak_mb or both")

    def _limits(self) -> list[tuple[str, float]]:
        return [(m, v) for m, v in (("wall_s", self.wall_s), ("peak_mb", self.peak_mb)) if v]

    def holds(self, measurement: Measurement) -> bool:
        """Whether ``measurement`` is within every limit of this budget."""
        return all(getattr(measurement, metric) <= limit for metric, limit in self._limits())

    def describe(self) -> str:
        """The budget in words, for the Markdown tables."""
        words = {"wall_s": "time ≤ {:g} s", "peak_mb": "peak ≤ {:g} MB"}
        return ", ".join(words[metric].format(limit) for metric, limit in self._limits())

    def as_csv(self) -> str:
        """The budget as a plain-ASCII expression, for the CSV file."""
        return " and ".join(f"{metric} <= {limit:g}" for metric, limit in self._limits())


NOTEBOOK_BUDGET = Budget(wall_s=60, peak_mb=2500)
"""Each notebook alone, in a fresh kernel: at most 60 s on 2 cores and 2.5 GB."""
TOTAL_BUDGET = Budget(peak_mb=2500)
"""The notebooks one after another: no time limit of its own (the cold build has one)."""
COLD_BUILD_BUDGET = Budget(wall_s=240)
REBUILD_BUDGET = Budget(wall_s=20)
COLD_BUILD = "cold build"
REBUILD = "no-change rebuild"
BUILD_LABELS = {
    COLD_BUILD: "Cold build (empty execution and run_grid caches)",
    REBUILD: "Rebuild with no change (execution cache hit)",
}
"""Labels of the build rows that carry no title of their own."""


@dataclass(frozen=True)
class Measurement:
    """Wall time in seconds and peak resident memory in MB (10**6 bytes) of one run.

    ``cpu_s`` (user plus system CPU seconds of the measured processes) is printed, not
    tabulated: on a busy machine wall time grows while CPU time barely moves, so comparing the
    two tells how much the machine's load inflated a measurement.
    """

    wall_s: float
    peak_mb: float
    cpu_s: float | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Row:
    """One line of the benchmark: what was measured, the numbers and the verdict."""

    item: str
    kind: str
    measurement: Measurement
    budget: Budget
    title: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is not supported; allowed: {', '.join(KINDS)}")

    @property
    def within_budget(self) -> bool:
        """Whether the measurement meets the row's budget."""
        return self.budget.holds(self.measurement)


# --------------------------------------------------------------------------- notebooks


def list_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks of ``folder``, sorted by file name.

    Examples
    --------
    >>> [p.name for p in list_notebooks()][0]
    '01_pretrain_finetune_evaluate.ipynb'
    """
    if not folder.is_dir():
        raise ValueError(f"folder={str(folder)!r} is not a directory; allowed: a notebook folder")
    return sorted(folder.glob("*.ipynb"))


def select_notebooks(names: Sequence[str] | None, folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks to run: all of ``folder`` when ``names`` is empty, else those named.

    A name is a file name with or without ``.ipynb``. Unknown names raise ``ValueError``.

    Examples
    --------
    >>> [p.stem for p in select_notebooks(["02_feature_extraction_vs_fine_tuning.ipynb"])]
    ['02_feature_extraction_vs_fine_tuning']
    >>> select_notebooks(["99_nothing"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: notebook '99_nothing' is not in notebooks/; allowed: 01_pretrain_finetune_...
    """
    available = list_notebooks(folder)
    if not names:
        return available
    by_stem = {path.stem: path for path in available}
    selected = []
    for name in names:
        stem = name.removesuffix(".ipynb")
        if stem not in by_stem:
            allowed = ", ".join(by_stem) or "(none)"
            raise ValueError(f"notebook {name!r} is not in {folder.name}/; allowed: {allowed}")
        selected.append(by_stem[stem])
    return selected


def notebook_title(path: Path) -> str:
    """The text of the notebook's first ``# `` heading (its page title), else its file stem.

    Examples
    --------
    >>> notebook_title(NOTEBOOK_DIR / "01_pretrain_finetune_evaluate.ipynb") != ""
    True
    """
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem


def build_env(makefile: Path = MAKEFILE) -> dict[str, str]:
    """The variables the Makefile exports to the book build (``export NAME := value``).

    Reading them from the Makefile keeps the benchmark's environment the same as
    ``make book``'s, also when ``tools/bench.py`` is run directly.

    Examples
    --------
    >>> env = build_env()
    >>> env["TF_CPP_MIN_LOG_LEVEL"], env["PYTHONHASHSEED"]
    ('3', '0')
    """
    if not makefile.is_file():
        return dict(DEFAULT_BUILD_ENV)
    return {**DEFAULT_BUILD_ENV, **dict(MAKE_EXPORT.findall(makefile.read_text()))}


def cold_env(cache_dir: Path) -> dict[str, str]:
    """This process's environment plus the book build's settings and an empty run_grid cache.

    Examples
    --------
    >>> env = cold_env(Path("/tmp/empty"))
    >>> env["TLUTILS_CACHE_DIR"], env["PYTHONHASHSEED"], env["TF_CPP_MIN_LOG_LEVEL"]
    ('/tmp/empty', '0', '3')
    """
    return {**os.environ, **build_env(), CACHE_ENV_VAR: str(cache_dir)}


# --------------------------------------------------------------------------- measuring


def _run_child(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> Measurement:
    """Run this file as a child process that measures ``args`` and writes the result to a file.

    The child (see :func:`child_main`) is the parent of whatever it measures, so its
    ``RUSAGE_CHILDREN`` holds that process tree's peak memory and nothing else.
    """
    with tempfile.TemporaryDirectory(prefix="tl-bench-") as scratch:
        result_file = Path(scratch) / "result.txt"
        command = [sys.executable, str(Path(__file__).resolve()), CHILD_FLAG, str(result_file)]
        completed = subprocess.run(
            [*command, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0 or not result_file.exists():
            log = failure_summary(completed.stdout, completed.stderr)
            raise RuntimeError(f"{' '.join(args)} failed (exit {completed.returncode}):\n{log}")
        wall_s, peak_mb, cpu_s = (float(value) for value in result_file.read_text().split())
    return Measurement(wall_s=wall_s, peak_mb=peak_mb, cpu_s=cpu_s)


def failure_summary(stdout: str, stderr: str, *, tail: int = 3000) -> str:
    """What a failed run said that matters: Sphinx's warning and error lines, then the ends of
    its output and error streams (where a traceback is), without terminal colour codes.

    Examples
    --------
    >>> out = "reading sources\\nbook/a.md:3: WARNING: undefined label: 'x'\\nbuild finished"
    >>> print(failure_summary(out, "Traceback ...\\nValueError: boom", tail=40))
    Warnings and errors:
    book/a.md:3: WARNING: undefined label: 'x'
    --- end of output ---
    ...ING: undefined label: 'x'
    build finished
    --- end of errors ---
    Traceback ...
    ValueError: boom
    """
    stdout, stderr = ANSI_ESCAPE.sub("", stdout), ANSI_ESCAPE.sub("", stderr)
    flagged = [
        line
        for line in (stdout + "\n" + stderr).splitlines()
        if SPHINX_PROBLEM.search(line) and "[IPKernelApp]" not in line
    ]
    parts = ["Warnings and errors:", *flagged[:50]] if flagged else []

    def ending(text: str) -> str:
        return text.strip() if len(text) <= tail else "..." + text[-tail:].strip()

    parts += ["--- end of output ---", ending(stdout), "--- end of errors ---", ending(stderr)]
    return "\n".join(parts)


def measure_notebook(path: Path, *, timeout: float = CELL_TIMEOUT_S) -> Measurement:
    """Execute ``path`` cold in a fresh kernel; return its wall time and the kernel's peak memory.

    The working directory is the notebook's folder and the run_grid cache a new empty folder.
    A cell that fails raises ``RuntimeError`` with the end of the traceback.

    Examples
    --------
    >>> measure_notebook(Path("missing.ipynb"))
    Traceback (most recent call last):
    ...
    ValueError: path='missing.ipynb' is not a notebook file; allowed: an existing .ipynb file
    """
    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(
            f"path={str(path)!r} is not a notebook file; allowed: an existing .ipynb file"
        )
    path = path.resolve()
    with tempfile.TemporaryDirectory(prefix="tl-bench-cache-") as cache_dir:
        return _run_child(
            ["notebook", str(path), str(timeout)],
            cwd=path.parent,
            env=cold_env(Path(cache_dir)),
            timeout=BUILD_TIMEOUT_S,
        )


def measure_command(
    argv: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float = BUILD_TIMEOUT_S
) -> Measurement:
    """Run a command; return its wall time and the peak memory of its largest process.

    Examples
    --------
    >>> m = measure_command([sys.executable, "-c", "pass"], cwd=Path("."), env=dict(os.environ))
    >>> m.wall_s < 30 and m.peak_mb > 1
    True
    """
    return _run_child(["command", *argv], cwd=cwd, env=env, timeout=timeout)


def book_commands(book_dir: Path, output: Path, jobs: int) -> tuple[list[str], list[str]]:
    """The two steps of ``make book`` for ``book_dir`` built into ``output``: execute the
    notebooks ``jobs`` at a time into the execution cache, then render the site.

    Examples
    --------
    >>> execute, render = book_commands(BOOK_DIR, Path("/tmp/site"), 2)
    >>> execute[-4:], render[-4:]
    (['--path-output', '/tmp/site', '--jobs', '2'], ['--path-output', '/tmp/site', \
'--warningiserror', '--keep-going'])
    """
    execute = [sys.executable, str(Path(execute_book.__file__).resolve()), "--book", str(book_dir)]
    execute += ["--path-output", str(output), "--jobs", str(jobs)]
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    render = [str(jupyter_book), "build", str(book_dir), "--path-output", str(output)]
    return execute, render + ["--warningiserror", "--keep-going"]


def measure_book_builds(book_dir: Path = BOOK_DIR) -> list[Row]:
    """Time a cold build of ``book_dir`` into a new folder, then a no-change rebuild of it;
    return their two rows. Each build is ``make book``'s two steps (:func:`book_commands`)."""
    jobs = execute_book.default_jobs()
    with (
        tempfile.TemporaryDirectory(prefix="tl-bench-build-") as output,
        tempfile.TemporaryDirectory(prefix="tl-bench-cache-") as cache_dir,
    ):
        env = cold_env(Path(cache_dir))
        steps = book_commands(book_dir, Path(output), jobs)
        execution, rendering = (measure_command(s, cwd=book_dir.parent, env=env) for s in steps)
        rebuild = in_sequence(*(measure_command(s, cwd=book_dir.parent, env=env) for s in steps))
    cold_title = cold_build_title(execution, rendering, jobs)
    return build_rows(in_sequence(execution, rendering), rebuild, cold_title=cold_title)


def _children_usage() -> tuple[float, float]:
    """Peak resident memory (MB) of this process's largest finished descendant, and the CPU
    seconds all finished descendants used."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    bytes_per_unit = 1 if sys.platform == "darwin" else 1024  # macOS: bytes; Linux: KiB
    return usage.ru_maxrss * bytes_per_unit / 1e6, usage.ru_utime + usage.ru_stime


def _execute_notebook_here(path: Path, timeout: float) -> float:
    """Execute a notebook with nbclient in this process (the kernel is our child process).

    Returns the wall time from kernel start to kernel shutdown (imports excluded).
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(path.parent)}}
    client = NotebookClient(notebook, timeout=int(timeout), resources=resources)
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def _run_command_here(argv: Sequence[str]) -> float | None:
    """Run a command as our child process; its wall time, or None when it fails."""
    start = time.perf_counter()
    completed = subprocess.run(argv, check=False)
    return time.perf_counter() - start if completed.returncode == 0 else None


def child_main(args: Sequence[str]) -> int:
    """Entry point of the measuring child: ``RESULT_FILE notebook PATH TIMEOUT`` or
    ``RESULT_FILE command ARGV...``; writes ``wall_s peak_mb cpu_s`` to RESULT_FILE on success."""
    result_file, what, *rest = args
    if what == "notebook":
        wall_s = _execute_notebook_here(Path(rest[0]), float(rest[1]))
    else:
        wall_s = _run_command_here(rest)
        if wall_s is None:
            return 1
    peak_mb, cpu_s = _children_usage()
    Path(result_file).write_text(f"{wall_s:.3f} {peak_mb:.1f} {cpu_s:.2f}\n")
    return 0


# --------------------------------------------------------------------------- rows and tables


def notebook_row(path: Path, measurement: Measurement) -> Row:
    """The row of one notebook, with its time and peak-memory budget and its title.

    Examples
    --------
    >>> row = notebook_row(NOTEBOOK_DIR / "01_pretrain_finetune_evaluate.ipynb",
    ...                    Measurement(30.0, 3000.0))
    >>> row.item, row.kind, row.within_budget
    ('01_pretrain_finetune_evaluate', 'notebook', False)
    """
    return Row(path.stem, "notebook", measurement, NOTEBOOK_BUDGET, title=notebook_title(path))


def total_row(rows: Sequence[Row]) -> Row:
    """The notebooks together: the sum of their times and the largest peak.

    The sum is what running them one after another on one core takes; it has no budget of its
    own (the cold build, which runs them on every core, has). The largest peak has the
    per-notebook memory budget.

    Examples
    --------
    >>> rows = [Row(f"n{i}", "notebook", Measurement(50.0, 500.0 + i), NOTEBOOK_BUDGET)
    ...         for i in range(3)]
    >>> total = total_row(rows)
    >>> total.measurement, total.within_budget
    (Measurement(wall_s=150.0, peak_mb=502.0), True)
    """
    notebooks = [row for row in rows if row.kind == "notebook"]
    if not notebooks:
        raise ValueError("rows holds no notebook row; allowed: at least one row of kind 'notebook'")
    wall_s = sum(row.measurement.wall_s for row in notebooks)
    peak_mb = max(row.measurement.peak_mb for row in notebooks)
    cpu = [row.measurement.cpu_s for row in notebooks]
    cpu_s = None if None in cpu else sum(cpu)
    return Row("total", "total", Measurement(wall_s, peak_mb, cpu_s), TOTAL_BUDGET)


def build_rows(cold: Measurement, rebuild: Measurement, *, cold_title: str = "") -> list[Row]:
    """The two rows of the book build, each with its time budget.

    ``cold_title`` labels the cold build in the table (default: :data:`BUILD_LABELS`).

    Examples
    --------
    >>> [r.within_budget for r in build_rows(Measurement(230, 900), Measurement(25, 400))]
    [True, False]
    """
    return [
        Row(COLD_BUILD, "book", cold, COLD_BUILD_BUDGET, title=cold_title),
        Row(REBUILD, "book", rebuild, REBUILD_BUDGET),
    ]


def cold_build_title(execution: Measurement, rendering: Measurement, jobs: int) -> str:
    """The cold build's label: how its time splits into executing and rendering.

    Examples
    --------
    >>> cold_build_title(Measurement(101.2, 900), Measurement(17.6, 400), 2)
    'Cold build: notebooks 2 at a time (101.2 s) + rendering (17.6 s)'
    """
    return (
        f"Cold build: notebooks {jobs} at a time ({execution.wall_s:.1f} s) "
        f"+ rendering ({rendering.wall_s:.1f} s)"
    )


def in_sequence(first: Measurement, second: Measurement) -> Measurement:
    """Two runs one after the other: times added, the larger peak.

    Examples
    --------
    >>> in_sequence(Measurement(100.0, 900.0, 180.0), Measurement(17.0, 400.0, 16.0))
    Measurement(wall_s=117.0, peak_mb=900.0)
    """
    cpu = None if None in (first.cpu_s, second.cpu_s) else first.cpu_s + second.cpu_s
    return Measurement(first.wall_s + second.wall_s, max(first.peak_mb, second.peak_mb), cpu_s=cpu)


def all_within_budget(rows: Sequence[Row]) -> bool:
    """Whether every row meets its budget.

    Examples
    --------
    >>> all_within_budget(build_rows(Measurement(230, 900), Measurement(5, 400)))
    True
    """
    return all(row.within_budget for row in rows)


def machine_line(load: tuple[float, float] | None = None) -> str:
    """One line naming the machine, the date and the Python and TensorFlow versions.

    ``load`` is the one-minute load average at the start and at the end of the run; on a quiet
    machine both stay below the core count.

    Examples
    --------
    >>> line = machine_line((0.52, 1.3))
    >>> line.startswith("Measured on ")
    True
    >>> line.endswith("load average 0.5 at the start, 1.3 at the end.")
    True
    """
    parts = [
        f"Measured on {cpu_model()} ({execute_book.core_count()} cores)",
        dt.date.today().isoformat(),
        f"Python {platform.python_version()}",
        f"TensorFlow {tensorflow_version()}",
    ]
    line = ", ".join(parts)
    if load is not None:
        line += f"; load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"
    return line + "."


def cpu_model() -> str:
    """The CPU's model name (from ``/proc/cpuinfo`` on Linux).

    Examples
    --------
    >>> isinstance(cpu_model(), str) and cpu_model() != ""
    True
    """
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    return platform.processor() or platform.machine() or "unknown CPU"


def tensorflow_version() -> str:
    """The installed TensorFlow version, read from package metadata (no import).

    Examples
    --------
    >>> tensorflow_version().startswith("2.")
    True
    """
    for distribution in ("tensorflow-cpu", "tensorflow"):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _mark(row: Row) -> str:
    return YES if row.within_budget else NO


def _cell(text: str) -> str:
    """Text made safe for a Markdown table cell and a MyST role's title."""
    return text.replace("|", "\\|").replace("`", "'")


def notebooks_table(rows: Sequence[Row], machine: str, *, myst_links: bool = True) -> str:
    """Markdown table of the notebook rows with a total row.

    With ``myst_links`` the first column links each notebook's page with MyST's ``{doc}`` role
    (for the book); without, it names the file (plain Markdown, e.g. for GitHub).

    Examples
    --------
    >>> rows = [Row("01_a", "notebook", Measurement(20.04, 812.3), NOTEBOOK_BUDGET, "A"),
    ...         Row("02_b", "notebook", Measurement(30.0, 2600.0), NOTEBOOK_BUDGET, "B")]
    >>> print(notebooks_table(rows, "Measured on X."), end="")
    | Notebook | Time (s) | Peak memory (MB) | Budget | Within budget |
    | :-- | --: | --: | :-- | :-: |
    | {doc}`A <../notebooks/01_a>` | 20.0 | 812 | time ≤ 60 s, peak ≤ 2500 MB | ✓ yes |
    | {doc}`B <../notebooks/02_b>` | 30.0 | 2600 | time ≤ 60 s, peak ≤ 2500 MB | ✗ **no** |
    | **Total, 2 notebooks** | **50.0** (sum) | **2600** (largest) | peak ≤ 2500 MB | ✗ **no** |
    <BLANKLINE>
    Measured on X.
    """
    notebooks = [row for row in rows if row.kind == "notebook"]
    lines = [
        "| Notebook | Time (s) | Peak memory (MB) | Budget | Within budget |",
        "| :-- | --: | --: | :-- | :-: |",
    ]
    for row in notebooks:
        title = _cell(row.title or row.item)
        if myst_links:
            label = f"{{doc}}`{title} <{DOC_PREFIX}{row.item}>`"
        else:
            label = f"{title} (`notebooks/{row.item}.ipynb`)"
        lines.append(_table_line(label, row))
    total = total_row(notebooks)
    m = total.measurement
    lines.append(
        f"| **Total, {_plural(len(notebooks), 'notebook')}** | **{m.wall_s:.1f}** (sum) "
        f"| **{m.peak_mb:.0f}** (largest) | {total.budget.describe()} | {_mark(total)} |"
    )
    return "\n".join(lines) + f"\n\n{machine}\n"


def build_table(rows: Sequence[Row], machine: str) -> str:
    """Markdown table of the book-build rows.

    Examples
    --------
    >>> rows = build_rows(Measurement(230, 900), Measurement(8.3, 400))
    >>> print(build_table(rows, "On X."), end="")
    | Build | Time (s) | Peak memory (MB) | Budget | Within budget |
    | :-- | --: | --: | :-- | :-: |
    | Cold build (empty execution and run_grid caches) | 230.0 | 900 | time ≤ 240 s | ✓ yes |
    | Rebuild with no change (execution cache hit) | 8.3 | 400 | time ≤ 20 s | ✓ yes |
    <BLANKLINE>
    On X.
    """
    lines = [
        "| Build | Time (s) | Peak memory (MB) | Budget | Within budget |",
        "| :-- | --: | --: | :-- | :-: |",
    ]
    for row in rows:
        if row.kind == "book":
            label = _cell(row.title) if row.title else BUILD_LABELS.get(row.item, _cell(row.item))
            lines.append(_table_line(label, row))
    return "\n".join(lines) + f"\n\n{machine}\n"


def _table_line(label: str, row: Row) -> str:
    m = row.measurement
    return (
        f"| {label} | {m.wall_s:.1f} | {m.peak_mb:.0f} | {row.budget.describe()} | {_mark(row)} |"
    )


def write_csv(rows: Sequence[Row], path: Path) -> None:
    """Write one CSV line per row (columns :data:`CSV_COLUMNS`), with the notebooks' total.

    Examples
    --------
    >>> import csv, tempfile
    >>> target = Path(tempfile.mkdtemp()) / "b.csv"
    >>> write_csv(build_rows(Measurement(230, 900), Measurement(30, 400)), target)
    >>> [r["within_budget"] for r in csv.DictReader(target.open())]
    ['true', 'false']
    """
    records = list(rows)
    if any(row.kind == "notebook" for row in records):
        records.append(total_row(records))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in records:
            m = row.measurement
            writer.writerow(
                [
                    row.item,
                    row.kind,
                    f"{m.wall_s:.2f}",
                    f"{m.peak_mb:.1f}",
                    row.budget.as_csv(),
                    "true" if row.within_budget else "false",
                ]
            )


def summary_page(rows: Sequence[Row], machine: str) -> str:
    """A plain-Markdown page with both tables, to read in the repository (not in the book).

    Examples
    --------
    >>> rows = build_rows(Measurement(250, 900), Measurement(8.3, 400))
    >>> summary_page(rows, "On X.").splitlines()[0]
    '# Benchmark of the book'
    """
    parts = [
        "# Benchmark of the book\n",
        "Generated by `make bench` (`tools/bench.py`); do not edit. The book's pages include "
        "`notebooks.md` and `build.md`; the numbers are also in `benchmark.csv`.\n",
    ]
    if any(row.kind == "notebook" for row in rows):
        notebooks = notebooks_table(rows, machine, myst_links=False)
        parts.append("## Notebooks, each executed cold in a fresh kernel\n\n" + notebooks)
    if any(row.kind == "book" for row in rows):
        parts.append("## Building the book\n\n" + build_table(rows, machine))
    return "\n".join(parts)


def write_outputs(rows: Sequence[Row], output_dir: Path, machine: str) -> list[Path]:
    """Write ``benchmark.csv``, ``benchmark.md`` and the Markdown tables for the kinds present;
    return the paths written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = [output_dir / "benchmark.csv", output_dir / "benchmark.md"]
    write_csv(rows, written[0])
    written[1].write_text(summary_page(rows, machine), encoding="utf-8")
    if any(row.kind == "notebook" for row in rows):
        written.append(output_dir / "notebooks.md")
        written[-1].write_text(notebooks_table(rows, machine), encoding="utf-8")
    if any(row.kind == "book" for row in rows):
        written.append(output_dir / "build.md")
        written[-1].write_text(build_table(rows, machine), encoding="utf-8")
    return written


# --------------------------------------------------------------------------- command line


QUICK_NOTEBOOK_SOURCE = (
    "import time\n\nimport numpy as np\n\nblock = np.ones(2_000_000)\ntime.sleep(0.2)"
)


def write_quick_notebook(folder: Path) -> Path:
    """A tiny notebook (16 MB array, 0.2 s sleep) for ``--quick``; returns its path.

    Examples
    --------
    >>> import tempfile
    >>> write_quick_notebook(Path(tempfile.mkdtemp())).name
    '00_quick_check.ipynb'
    """
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Quick check of tools/bench.py"),
        nbformat.v4.new_code_cell(QUICK_NOTEBOOK_SOURCE),
    ]
    path = folder / "00_quick_check.ipynb"
    nbformat.write(notebook, path)
    return path


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="tools/bench.py",
        description="Execute every notebook cold, time a cold and a no-change book build, "
        "and write the benchmark tables (CSV and Markdown).",
    )
    parser.add_argument("--notebooks", nargs="+", metavar="NAME", help="only these notebooks")
    parser.add_argument("--skip-build", action="store_true", help="do not time the book build")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test of this tool: a tiny generated notebook instead of the book's, no build",
    )
    parser.add_argument(
        "--no-fail", action="store_true", help="exit 0 even when a budget is missed"
    )
    args = parser.parse_args(argv)
    if args.quick and args.notebooks:
        parser.error("--quick runs its own tiny notebook; do not combine it with --notebooks")
    try:
        args.selected = [] if args.quick else select_notebooks(args.notebooks)
    except ValueError as error:
        parser.error(str(error))
    return args


def _progress(index: int, count: int, label: str) -> None:
    print(f"[{index}/{count}] {label} ...", end=" ", flush=True)


def _report(row: Row) -> None:
    m = row.measurement
    verdict = "within budget" if row.within_budget else "OVER BUDGET"
    cpu = "" if m.cpu_s is None else f" (CPU {m.cpu_s:.1f} s)"
    print(f"{m.wall_s:.1f} s{cpu}, peak {m.peak_mb:.0f} MB; {row.budget.describe()}: {verdict}")


def _load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def run_notebooks(paths: Sequence[Path], count: int) -> tuple[list[Row], dict[str, str]]:
    """Measure each notebook in turn, printing one progress line per notebook.

    A notebook that fails does not stop the others; returns the rows of those that ran and
    ``{notebook name: error}`` for those that failed.
    """
    rows, failures = [], {}
    for index, path in enumerate(paths, start=1):
        _progress(index, count, path.name)
        try:
            rows.append(notebook_row(path, measure_notebook(path)))
        except RuntimeError as error:
            failures[path.name] = str(error)
            print("FAILED (details at the end)")
            continue
        _report(rows[-1])
    return rows, failures


def run_builds(start: int, count: int) -> list[Row]:
    """Measure the cold build and the rebuild, printing one progress line for each."""
    _progress(start, count, f"{COLD_BUILD} + {REBUILD} of book/")
    print()
    rows = measure_book_builds()
    for offset, row in enumerate(rows):
        print(f"[{start + offset}/{count}] {row.item}:", end=" ")
        _report(row)
    return rows


def _report_failures(failures: dict[str, str]) -> None:
    for name, error in failures.items():
        print(f"\n===== {name} =====\n{error}", file=sys.stderr)
    names = ", ".join(failures)
    print(
        f"\nerror: {names} failed, so the book build was not timed and no table was written.",
        file=sys.stderr,
    )


def _verdict_rows(rows: list[Row]) -> list[Row]:
    """The rows plus the notebooks' total (printed), which the exit status also depends on."""
    if not any(row.kind == "notebook" for row in rows):
        return rows
    total = total_row(rows)
    print(f"total, {_plural(sum(row.kind == 'notebook' for row in rows), 'notebook')}:", end=" ")
    _report(total)
    return [*rows, total]


BUILD_PLACEHOLDER = "Not measured yet: run `make bench`.\n"


def provide_included_tables(rows: Sequence[Row], folder: Path = DEFAULT_OUTPUT_DIR) -> list[Path]:
    """Write the tables the book includes when they are missing, so that the build can run.

    The book's pages include ``book/benchmark/notebooks.md`` and ``build.md``; on the very
    first run they do not exist yet and the ``-W`` build would fail. Existing files are left
    alone (they are replaced only after a complete run). Returns the files written.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> rows = [Row("01_a", "notebook", Measurement(20.0, 800.0), NOTEBOOK_BUDGET, "A")]
    >>> [p.name for p in provide_included_tables(rows, folder)]
    ['notebooks.md', 'build.md']
    >>> provide_included_tables(rows, folder)
    []
    """
    folder.mkdir(parents=True, exist_ok=True)
    missing = [folder / "notebooks.md", folder / "build.md"]
    missing = [path for path in missing if not path.exists()]
    for path in missing:
        text = notebooks_table(rows, machine_line()) if path.stem == "notebooks" else None
        path.write_text(text or BUILD_PLACEHOLDER, encoding="utf-8")
    return missing


def measure(paths: Sequence[Path], *, build: bool) -> list[Row]:
    """Measure the notebooks, then (if ``build`` and all of them ran) the book builds.

    Raises ``RuntimeError`` when a notebook or a build fails, after trying every notebook.
    """
    count = len(paths) + (2 if build else 0)
    rows, failures = run_notebooks(paths, count)
    if failures:
        _report_failures(failures)
        raise RuntimeError(f"{len(failures)} of {len(paths)} notebooks failed")
    if build:
        for path in provide_included_tables(rows):
            print(f"wrote {path} (missing, and the book includes it)")
        rows += run_builds(len(paths) + 1, count)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status (0 ok, 1 budget missed, 2 failure)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD_FLAG]:
        return child_main(argv[1:])
    args = parse_args(argv)
    load_at_start = _load_average()
    with tempfile.TemporaryDirectory(prefix="tl-bench-quick-") as scratch:
        paths = [write_quick_notebook(Path(scratch))] if args.quick else args.selected
        try:
            rows = measure(paths, build=not (args.skip_build or args.quick))
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    verdict_rows = _verdict_rows(rows)
    machine = machine_line((load_at_start, _load_average()))
    for path in write_outputs(rows, args.output_dir, machine):
        print(f"wrote {path}")
    if all_within_budget(verdict_rows) or args.no_fail:
        return 0
    print("A budget was missed (see above).", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
