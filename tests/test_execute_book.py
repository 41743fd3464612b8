"""tools/execute_book.py: the notebooks run in parallel into the cache the book build reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "execute_book.py"

# Each notebook records when it ran, so the test can see that two of them overlapped.
TIMED_CELL = """
import time
from pathlib import Path
start = time.time()
time.sleep(1.5)
Path("{name}.interval").write_text(f"{{start}} {{time.time()}}")
print("{name} says", 6 * 7)
"""


def make_book(folder: Path, sources: dict[str, str]) -> Path:
    """A minimal book folder: a _config.yml and one notebook per entry of ``sources``."""
    book = folder / "book"
    (book / "notebooks").mkdir(parents=True)
    (book / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 120\n")
    for name, source in sources.items():
        write_notebook(book / "notebooks" / f"{name}.ipynb", source)
    return book


def write_notebook(path: Path, source: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_markdown_cell("# A page"), nbformat.v4.new_code_cell(source)]
    nbformat.write(notebook, path)


def run_tool(book: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), "--book", str(book), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def cached_output(book: Path, name: str) -> str:
    """The text the cached copy of a notebook printed (KeyError when it is not cached)."""
    cache = get_cache(str(book / "_build" / ".jupyter_cache"))
    notebook = nbformat.read(book / "notebooks" / f"{name}.ipynb", as_version=4)
    record = cache.match_cache_notebook(notebook)
    executed = cache.get_cache_bundle(record.pk).nb
    return "".join(
        out.get("text", "") for cell in executed.cells for out in cell.get("outputs", [])
    )


def interval(book: Path, name: str) -> tuple[float, float]:
    start, end = (book / "notebooks" / f"{name}.interval").read_text().split()
    return float(start), float(end)


def test_notebooks_run_at_the_same_time_into_the_build_cache(tmp_path: Path) -> None:
    names = ("a", "b")
    book = make_book(tmp_path, {name: TIMED_CELL.format(name=name) for name in names})
    result = run_tool(book, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert "executing 2 notebook(s), 2 at a time" in result.stdout
    for name in names:
        assert f"{name} says 42" in cached_output(book, name)
    (a_start, a_end), (b_start, b_end) = interval(book, "a"), interval(book, "b")
    assert max(a_start, b_start) < min(a_end, b_end), "the two notebooks did not overlap"


def test_only_what_the_cache_lacks_is_executed(tmp_path: Path) -> None:
    book = make_book(tmp_path, {"a": "print('first')", "b": "print('second')"})
    assert run_tool(book).returncode == 0

    again = run_tool(book)
    assert again.returncode == 0 and "nothing to execute" in again.stdout

    write_notebook(book / "notebooks" / "b.ipynb", "print('second, edited')")
    edited = run_tool(book)
    assert "executing 1 notebook(s)" in edited.stdout and "done b.ipynb" in edited.stdout
    assert "second, edited" in cached_output(book, "b")


def test_a_failing_notebook_is_reported_and_the_others_are_cached(tmp_path: Path) -> None:
    book = make_book(tmp_path, {"good": "print('fine')", "bad": "1 / 0"})
    result = run_tool(book, "--jobs", "2")
    assert result.returncode == 1
    assert "FAILED bad.ipynb" in result.stdout
    assert "bad.ipynb failed" in result.stderr and "ZeroDivisionError" in result.stderr
    assert "fine" in cached_output(book, "good")
    with pytest.raises(KeyError):
        cached_output(book, "bad")


def test_path_output_puts_the_cache_where_jupyter_book_looks(tmp_path: Path) -> None:
    book = make_book(tmp_path, {"a": "print('here')"})
    result = run_tool(book, "--path-output", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "_build" / ".jupyter_cache").is_dir()
    assert not (book / "_build").exists()


def load_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tools_execute_book", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_export_writes_the_executed_notebooks_with_their_outputs(tmp_path: Path) -> None:
    book = make_book(tmp_path, {"a": "print('exported')"})
    (tmp_path / "out").mkdir()
    write_notebook(tmp_path / "out" / "renamed_since.ipynb", "print('stale')")
    result = run_tool(book, "--export", str(tmp_path / "out"))
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.ipynb"]
    assert result.returncode == 0, result.stderr
    executed = nbformat.read(tmp_path / "out" / "a.ipynb", as_version=4)
    code = executed.cells[1]
    assert code.execution_count == 1 and code.outputs[0]["text"] == "exported\n"


def test_a_changed_package_empties_the_cache(tmp_path: Path) -> None:
    book = make_book(tmp_path, {"a": "print('before')"})
    assert run_tool(book).returncode == 0
    tool = load_tool()
    cache_dir = book / "_build" / ".jupyter_cache"
    assert not tool.forget_if_package_changed(cache_dir, tool.package_fingerprint())
    assert "before" in cached_output(book, "a")
    assert tool.forget_if_package_changed(cache_dir, "another version of tlutils")
    with pytest.raises(KeyError):
        cached_output(book, "a")
    again = run_tool(book)  # the stamp now disagrees with the real sources: everything reruns
    assert "tlutils changed" in again.stdout and "executing 1 notebook(s)" in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "0"], "--jobs=0 is not allowed; allowed: a whole number of at least 1"),
        (["--book", "/nonexistent"], "--book='/nonexistent' has no _config.yml"),
    ],
)
def test_bad_arguments_are_clear_errors(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and message in result.stderr


def test_docstring_examples_run() -> None:
    import doctest

    result = doctest.testmod(load_tool())
    assert result.attempted >= 5 and result.failed == 0
