"""tools/bench.py: the measurement itself, the tables it writes, and the committed tables."""

from __future__ import annotations

import csv
import doctest
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK_DIR = ROOT / "book" / "benchmark"


def load_bench() -> ModuleType:
    """Import tools/bench.py by path (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("tools_bench", ROOT / "tools" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


bench = load_bench()
Measurement = bench.Measurement
Row = bench.Row


def write_notebook(folder: Path, name: str, *sources: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# Title of {name}")]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


# --------------------------------------------------------------------------- measuring

# 220 MB of float64 ones (pages touched, so resident), then one second of sleep. The cell also
# checks the cold-run contract: working directory, build environment, empty run_grid cache.
ALLOCATE_AND_SLEEP = """
import json, os, time
from pathlib import Path
import numpy as np

assert Path.cwd() == Path(os.environ["EXPECTED_CWD"]), Path.cwd()
for name, value in json.loads(os.environ["EXPECTED_ENV"]).items():
    assert os.environ[name] == value, name
assert list(Path(os.environ["TLUTILS_CACHE_DIR"]).iterdir()) == []
block = np.ones(27_500_000)
time.sleep(1.0)
"""


def test_measure_notebook_reports_plausible_time_and_peak_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPECTED_CWD", str(tmp_path.resolve()))
    monkeypatch.setenv("EXPECTED_ENV", json.dumps(bench.build_env()))
    monkeypatch.setenv("PYTHONHASHSEED", "123")  # the build's value must win
    monkeypatch.setenv("TLUTILS_CACHE_DIR", str(tmp_path / "warm-cache-must-not-be-used"))
    path = write_notebook(tmp_path, "allocate", ALLOCATE_AND_SLEEP)

    measurement = bench.measure_notebook(path)

    assert 1.0 <= measurement.wall_s < 120, measurement
    assert 220 <= measurement.peak_mb < 1500, measurement
    assert measurement.cpu_s is not None and measurement.cpu_s > 0
    stored = json.loads(path.read_text())
    assert not stored["cells"][1]["outputs"], "measuring must not write outputs into the notebook"


def test_a_failing_notebook_raises_with_the_error(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, "broken", "raise ValueError('deliberately broken cell')")
    with pytest.raises(RuntimeError, match="deliberately broken cell") as error:
        bench.measure_notebook(path)
    assert "\x1b[" not in str(error.value), "terminal colour codes are stripped"


def test_measure_notebook_rejects_a_path_that_is_not_a_notebook(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"path=.*nothing.ipynb.*allowed: an existing .ipynb"):
        bench.measure_notebook(tmp_path / "nothing.ipynb")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match="is not a notebook file"):
        bench.measure_notebook(tmp_path / "notes.txt")


def test_a_failing_command_raises(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; sys.exit(3)"]
    with pytest.raises(RuntimeError, match="exit 1"):
        bench.measure_command(command, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})


# --------------------------------------------------------------------------- choosing notebooks


def test_select_notebooks_accepts_names_with_or_without_suffix() -> None:
    stems = [path.stem for path in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    assert [p.stem for p in bench.select_notebooks(None)] == stems
    chosen = bench.select_notebooks([stems[-1], stems[0] + ".ipynb"])
    assert [p.stem for p in chosen] == [stems[-1], stems[0]]


def test_unknown_notebook_name_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(
        ValueError, match=r"notebook 'no_such_notebook' is not in notebooks/; allowed: 01_"
    ):
        bench.select_notebooks(["no_such_notebook"])
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--notebooks", "no_such_notebook", "--skip-build"])
    assert exit_info.value.code == 2
    assert "no_such_notebook" in capsys.readouterr().err


def test_quick_and_notebooks_do_not_combine(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench.main(["--quick", "--notebooks", "01_pretrain_finetune_evaluate"])
    assert "--quick" in capsys.readouterr().err


def test_build_env_follows_the_makefile_exports(tmp_path: Path) -> None:
    makefile = tmp_path / "Makefile"
    makefile.write_text("export TF_CPP_MIN_LOG_LEVEL := 2\nexport EXTRA_SETTING = on\nVENV := .v\n")
    assert bench.build_env(makefile) == {
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONHASHSEED": "0",
        "EXTRA_SETTING": "on",
    }
    assert bench.build_env(tmp_path / "missing") == bench.DEFAULT_BUILD_ENV
    assert bench.build_env()["PYTHONHASHSEED"] == "0"


def test_budget_and_row_reject_unknown_values() -> None:
    with pytest.raises(ValueError, match=r"Budget\(\) has no limit; allowed: wall_s, peak_mb"):
        bench.Budget()
    with pytest.raises(ValueError, match="kind='page' is not supported; allowed: notebook, book"):
        Row("x", "page", Measurement(1.0, 1.0), bench.NOTEBOOK_BUDGET)


# --------------------------------------------------------------------------- tables


def sample_rows() -> list:
    return [
        Row("01_a", "notebook", Measurement(31.0, 900.0), bench.NOTEBOOK_BUDGET, "First | one"),
        Row("02_b", "notebook", Measurement(40.0, 2600.0), bench.NOTEBOOK_BUDGET, "Second"),
        *bench.build_rows(Measurement(230.0, 1200.0), Measurement(25.5, 300.0)),
    ]


def test_total_row_sums_times_and_keeps_the_largest_peak() -> None:
    total = bench.total_row(sample_rows())
    assert total.measurement == Measurement(71.0, 2600.0)
    assert not total.within_budget, "the largest peak (2600 MB) is over the notebook budget"
    slow = [
        Row(f"n{i}", "notebook", Measurement(59.0, 10.0), bench.NOTEBOOK_BUDGET) for i in range(5)
    ]
    assert all(row.within_budget for row in slow)
    assert bench.total_row(slow).within_budget, "the time budget is the cold build's, not the sum"
    too_slow = Row("n", "notebook", Measurement(61.0, 10.0), bench.NOTEBOOK_BUDGET)
    assert not too_slow.within_budget, "each notebook alone has 60 s"
    with pytest.raises(ValueError, match="no notebook row"):
        bench.total_row(sample_rows()[2:])


def test_notebook_table_links_marks_and_totals() -> None:
    text = bench.notebooks_table(sample_rows(), "Measured on a test machine.")
    lines = text.splitlines()
    assert not any(line.startswith("#") for line in lines), "the table is included: no headings"
    assert lines[2] == (
        "| {doc}`First \\| one <../notebooks/01_a>` | 31.0 | 900 | time ≤ 60 s, peak ≤ 2500 MB "
        "| ✓ yes |"
    )
    assert lines[3].endswith("| 40.0 | 2600 | time ≤ 60 s, peak ≤ 2500 MB | ✗ **no** |")
    assert lines[4] == (
        "| **Total, 2 notebooks** | **71.0** (sum) | **2600** (largest) | peak ≤ 2500 MB "
        "| ✗ **no** |"
    )
    assert lines[-1] == "Measured on a test machine."
    assert len(lines) == 7, "table, one blank line, the machine line"


def test_build_table_has_both_builds_with_marks() -> None:
    lines = bench.build_table(sample_rows(), "On X.").splitlines()
    assert lines[2].startswith("| Cold build") and lines[2].endswith("time ≤ 240 s | ✓ yes |")
    assert lines[3].startswith("| Rebuild with no change") and "| 25.5 |" in lines[3]
    assert lines[3].endswith("time ≤ 20 s | ✗ **no** |")
    assert lines[-1] == "On X."


def test_cold_build_is_both_steps_of_make_book_and_says_how_it_splits() -> None:
    execution, rendering = Measurement(101.0, 950.0, 180.0), Measurement(17.0, 400.0, 16.0)
    title = bench.cold_build_title(execution, rendering, 2)
    cold, _ = bench.build_rows(
        bench.in_sequence(execution, rendering), Measurement(5.0, 300.0), cold_title=title
    )
    assert cold.measurement == Measurement(118.0, 950.0)
    assert cold.measurement.cpu_s == 196.0
    line = bench.build_table([cold], "On X.").splitlines()[2]
    assert line.startswith("| Cold build: notebooks 2 at a time (101.0 s) + rendering (17.0 s) |")
    assert "| 118.0 | 950 | time ≤ 240 s | ✓ yes |" in line
    execute, render = bench.book_commands(ROOT / "book", Path("/tmp/out"), 3)
    assert execute[1].endswith("tools/execute_book.py") and execute[-2:] == ["--jobs", "3"]
    assert render[1:3] == ["build", str(ROOT / "book")] and "--warningiserror" in render


def test_csv_has_the_columns_one_row_per_measurement_and_a_total(tmp_path: Path) -> None:
    written = bench.write_outputs(sample_rows(), tmp_path, "On X.")
    assert sorted(p.name for p in written) == [
        "benchmark.csv",
        "benchmark.md",
        "build.md",
        "notebooks.md",
    ]
    summary = (tmp_path / "benchmark.md").read_text()
    assert "{doc}" not in summary and "First \\| one (`notebooks/01_a.ipynb`)" in summary
    assert "| Cold build" in summary
    with (tmp_path / "benchmark.csv").open() as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == bench.CSV_COLUMNS
        records = list(reader)
    assert [(r["item"], r["kind"]) for r in records] == [
        ("01_a", "notebook"),
        ("02_b", "notebook"),
        ("cold build", "book"),
        ("no-change rebuild", "book"),
        ("total", "total"),
    ]
    assert [r["within_budget"] for r in records] == ["true", "false", "true", "false", "false"]
    assert records[1]["peak_mb"] == "2600.0"
    assert records[1]["budget"] == "wall_s <= 60 and peak_mb <= 2500"
    assert records[4]["wall_s"] == "71.00" and records[4]["budget"] == "peak_mb <= 2500"


def test_main_writes_outputs_and_exit_code_follows_budgets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = {"value": Measurement(10.0, 3000.0, 5.0)}
    monkeypatch.setattr(bench, "measure_notebook", lambda path: fake["value"])
    name = "02_feature_extraction_vs_fine_tuning"

    assert bench.main(["--notebooks", name, "--skip-build", "--output-dir", str(tmp_path)]) == 1
    assert "✗ **no**" in (tmp_path / "notebooks.md").read_text()
    assert not (tmp_path / "build.md").exists(), "no build measured, no build table"
    argv = ["--notebooks", name, "--skip-build", "--output-dir", str(tmp_path), "--no-fail"]
    assert bench.main(argv) == 0

    fake["value"] = Measurement(10.0, 300.0, 5.0)
    assert bench.main(["--quick", "--output-dir", str(tmp_path / "quick")]) == 0
    assert "../notebooks/00_quick_check" in (tmp_path / "quick" / "notebooks.md").read_text()


def test_a_failing_notebook_stops_nothing_but_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    measured = []

    def fake_measure(path: Path) -> object:
        measured.append(path.stem)
        if path.stem.startswith("01"):
            raise RuntimeError("cell 3 raised AssertionError")
        return Measurement(10.0, 300.0, 5.0)

    monkeypatch.setattr(bench, "measure_notebook", fake_measure)
    names = ["01_pretrain_finetune_evaluate", "02_feature_extraction_vs_fine_tuning"]
    argv = ["--notebooks", *names, "--output-dir", str(tmp_path / "out"), "--no-fail"]
    assert bench.main(argv) == 2
    assert measured == names, "the notebooks after a failure still run"
    assert not (tmp_path / "out").exists(), "a failed run must not overwrite the tables"
    err = capsys.readouterr().err
    assert "cell 3 raised AssertionError" in err and "01_pretrain_finetune_evaluate" in err


def test_docstring_examples_run() -> None:
    result = doctest.testmod(bench, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 20
    assert result.failed == 0


# --------------------------------------------------------------------------- committed output


def read_committed_csv() -> list[dict[str, str]]:
    path = BENCHMARK_DIR / "benchmark.csv"
    assert path.exists(), "book/benchmark/ is missing: run `make bench` and commit its output"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_committed_benchmark_lists_exactly_the_notebooks_and_both_builds() -> None:
    records = read_committed_csv()
    stems = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))
    assert [r["item"] for r in records if r["kind"] == "notebook"] == stems, (
        "book/benchmark/ is out of date with notebooks/: run `make bench`"
    )
    assert [r["item"] for r in records if r["kind"] == "book"] == [
        "cold build",
        "no-change rebuild",
    ]
    assert [r["item"] for r in records if r["kind"] == "total"] == ["total"]
    table = (BENCHMARK_DIR / "notebooks.md").read_text(encoding="utf-8")
    for stem in stems:
        assert f"<../notebooks/{stem}>`" in table
    assert "| Cold build" in (BENCHMARK_DIR / "build.md").read_text(encoding="utf-8")


def test_committed_benchmark_is_within_every_budget() -> None:
    over = [
        f"{r['item']} ({r['budget']})" for r in read_committed_csv() if r["within_budget"] != "true"
    ]
    assert not over, f"over budget in book/benchmark/benchmark.csv: {over}"
    for name in ("notebooks.md", "build.md"):
        text = (BENCHMARK_DIR / name).read_text(encoding="utf-8")
        assert "✗" not in text and text.count("✓ yes") >= 2, name
