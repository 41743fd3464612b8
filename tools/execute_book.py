"""Execute the book's notebooks into Jupyter Book's execution cache, several at a time.

``jupyter-book build`` (myst-nb's ``execute_notebooks: cache``) executes the notebooks that are
not in its cache one after another, so a cold build uses one CPU core. This tool runs first
(``make book`` calls it): it executes every notebook whose code is not cached yet, ``--jobs``
at a time, each in its own kernel, and stores the results in the very cache the build reads
(``<path-output>/_build/.jupyter_cache``, Jupyter Book's default). The build then finds every
notebook cached and only renders. The outputs are the same as a serial run: each notebook
runs alone in its kernel and seeds its own random number generators.

With nothing changed it executes nothing, and a notebook whose code changed is executed again,
as the build itself would. Jupyter Book's cache knows only the notebooks' own code, so this tool
also keeps a fingerprint of the `tlutils` sources next to the cache and empties the cache when
they change: a change in the package the notebooks import re-executes every notebook. A
notebook that fails is reported with its traceback and the exit status is 1; notebooks that
succeeded are cached all the same.

``--export DIR`` also writes every executed notebook, outputs included, to ``DIR`` (`make test`
gives them to nbval, which executes each notebook once more and compares every text output,
glued numbers included, with the book's).

Usage (from the repository root, with the project's virtualenv)::

    python tools/execute_book.py                  # default jobs: the CPU cores, at most 4
    python tools/execute_book.py --jobs 1         # one after another
    python tools/execute_book.py --path-output /tmp/site   # as jupyter-book's --path-output
    python tools/execute_book.py --export book/_build/nbval   # and write the executed notebooks
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = ROOT / "book"
MAX_DEFAULT_JOBS = 4
"""Each kernel peaks near 1 GB, so the default stops at 4 even on machines with more cores."""


@dataclass(frozen=True)
class Outcome:
    """What executing one notebook gave: the executed notebook or the error text."""

    path: Path
    seconds: float
    notebook: object | None
    error: str | None


def core_count() -> int:
    """The number of CPU cores this process may use.

    Examples
    --------
    >>> core_count() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_jobs(cores: int | None = None) -> int:
    """How many notebooks run at once by default: ``cores`` (default: the usable CPU cores),
    at most 4.

    Examples
    --------
    >>> default_jobs(2), default_jobs(16), default_jobs(1)
    (2, 4, 1)
    """
    return max(1, min(core_count() if cores is None else cores, MAX_DEFAULT_JOBS))


def book_settings(book_dir: Path = BOOK_DIR) -> dict:
    """The ``execute`` section of the book's ``_config.yml`` (timeout, allow_errors, ...).

    Examples
    --------
    >>> book_settings()["execute_notebooks"]
    'cache'
    """
    import yaml

    config = yaml.safe_load((book_dir / "_config.yml").read_text(encoding="utf-8"))
    return config.get("execute") or {}


def book_notebooks(book_dir: Path = BOOK_DIR) -> list[Path]:
    """The notebooks of the book (``<book>/notebooks/*.ipynb``), by the path the build uses.

    Examples
    --------
    >>> [p.name for p in book_notebooks()][0]
    '01_pretrain_finetune_evaluate.ipynb'
    """
    folder = book_dir / "notebooks"
    if not folder.is_dir():
        raise ValueError(f"book_dir={str(book_dir)!r} has no notebooks/ folder; allowed: a book")
    return sorted(path.absolute() for path in folder.glob("*.ipynb"))


def cache_dir_for(book_dir: Path, path_output: Path | None) -> Path:
    """Where ``jupyter-book build`` looks for its execution cache (its default location).

    Examples
    --------
    >>> cache_dir_for(Path("book"), None).parts[-3:]
    ('book', '_build', '.jupyter_cache')
    >>> cache_dir_for(Path("book"), Path("/tmp/site")).as_posix()
    '/tmp/site/_build/.jupyter_cache'
    """
    return (path_output or book_dir).absolute() / "_build" / ".jupyter_cache"


def package_fingerprint(root: Path = ROOT) -> str:
    """A hash of every ``tlutils`` source file (names and contents).

    Examples
    --------
    >>> len(package_fingerprint()) == 64 and package_fingerprint() == package_fingerprint()
    True
    """
    digest = hashlib.sha256()
    for path in sorted((root / "tlutils").rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def forget_if_package_changed(cache_dir: Path, fingerprint: str) -> bool:
    """Empty the cache when it was filled with other ``tlutils`` sources; True if it was."""
    from jupyter_cache import get_cache

    stamp = cache_dir / "tlutils.fingerprint"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == fingerprint:
        return False
    stale = cache_dir.is_dir() and any(cache_dir.iterdir())
    if stale:
        get_cache(str(cache_dir)).clear_cache()
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint, encoding="utf-8")
    return stale


def export(paths: Sequence[Path], cache_dir: Path, folder: Path) -> None:
    """Write the cached, executed copy of every notebook in ``paths`` to ``folder`` (only those)."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.ipynb"):  # e.g. a notebook renamed since the last export
        stale.unlink()
    for path in paths:  # the cache keeps code cells only: merge its outputs into the notebook
        _, executed = cache.merge_match_into_notebook(nbformat.read(path, as_version=4))
        nbformat.write(executed, folder / path.name)


def uncached(paths: Sequence[Path], cache_dir: Path) -> list[Path]:
    """The notebooks whose code the cache has no executed copy of (registering all of them)."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    missing = []
    for path in paths:
        cache.add_nb_to_project(str(path))
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            missing.append(path)
    return missing


def execute_one(path: Path, timeout: int, allow_errors: bool) -> Outcome:
    """Execute one notebook in a fresh kernel, in its own folder (runs in a worker process)."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(
        notebook, cwd=str(path.parent), timeout=timeout, allow_errors=allow_errors
    )
    if result.err is not None:
        return Outcome(path, result.time, None, result.exc_string or repr(result.err))
    return Outcome(path, result.time, notebook, None)


def store(outcome: Outcome, cache_dir: Path) -> None:
    """Put an executed notebook into the cache, where the book build will find it."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    bundle = CacheBundleIn(
        outcome.notebook, str(outcome.path), data={"execution_seconds": outcome.seconds}
    )
    get_cache(str(cache_dir)).cache_notebook_bundle(bundle, check_validity=False, overwrite=True)


def execute(paths: Sequence[Path], cache_dir: Path, *, jobs: int, settings: dict) -> list[Outcome]:
    """Execute ``paths`` ``jobs`` at a time, caching each success as soon as it finishes."""
    timeout = int(settings.get("timeout", 600))
    allow_errors = bool(settings.get("allow_errors", False))
    outcomes = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(execute_one, path, timeout, allow_errors) for path in paths]
        for future in as_completed(futures):
            outcome = future.result()
            if outcome.error is None:
                store(outcome, cache_dir)
            verdict = "FAILED" if outcome.error else "done"
            print(f"  {verdict} {outcome.path.name} in {outcome.seconds:.1f} s", flush=True)
            outcomes.append(outcome)
    return outcomes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="tools/execute_book.py",
        description="Execute the book's uncached notebooks in parallel into the execution cache.",
    )
    parser.add_argument("--book", type=Path, default=BOOK_DIR, help="the book folder")
    parser.add_argument("--path-output", type=Path, help="as jupyter-book build --path-output")
    parser.add_argument("--export", type=Path, help="write the executed notebooks to this folder")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help=f"notebooks at once (default: the CPU cores, at most {MAX_DEFAULT_JOBS})",
    )
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs={args.jobs} is not allowed; allowed: a whole number of at least 1")
    if not (args.book / "_config.yml").is_file():
        parser.error(
            f"--book={str(args.book)!r} has no _config.yml; allowed: a Jupyter Book folder"
        )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Execute what the cache lacks; return 0 when every notebook ran, else 1."""
    args = parse_args(argv)
    cache_dir = cache_dir_for(args.book, args.path_output)
    if forget_if_package_changed(cache_dir, package_fingerprint()):
        print("tlutils changed since the cache was filled: every notebook runs again")
    notebooks = book_notebooks(args.book)
    paths = uncached(notebooks, cache_dir)
    failed = []
    if not paths:
        print(f"every notebook is in the execution cache ({cache_dir}); nothing to execute")
    else:
        jobs = min(args.jobs or default_jobs(), len(paths))
        print(f"executing {len(paths)} notebook(s), {jobs} at a time, into {cache_dir}", flush=True)
        start = time.perf_counter()
        outcomes = execute(paths, cache_dir, jobs=jobs, settings=book_settings(args.book))
        wall = time.perf_counter() - start
        busy = sum(outcome.seconds for outcome in outcomes)
        print(f"executed in {wall:.1f} s ({busy:.1f} s of notebook time, {jobs} at a time)")
        failed = [outcome for outcome in outcomes if outcome.error]
        for outcome in failed:
            print(f"\n===== {outcome.path.name} failed =====\n{outcome.error}", file=sys.stderr)
    if args.export and not failed:
        export(notebooks, cache_dir, args.export)
        print(f"wrote the {len(notebooks)} executed notebooks to {args.export}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
