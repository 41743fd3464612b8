"""Checks of the project's contract that need no execution: clean notebooks, pins, layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Code that would fetch something at run time: the book must run offline. The names are split
# so that this file does not itself match the repository's download check.
FETCHERS = [
    "url" + "retrieve",
    "requests" + r"\.get",
    "url" + "open",
    "fetch_" + "openml",
    "fetch_" + "20newsgroups",
    "fetch_" + "lfw",
    "get_" + r"file\(",
    "tfds" + r"\.load",
    "weights=['\"]" + "imagenet",
    "hf_hub_" + "download",
    "from_" + r"pretrained\(",
]
NETWORK_PATTERNS = re.compile("|".join(FETCHERS))


def normalise(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not pinned with =="
            pins[normalise(name)] = version
    return pins


def top_level_requirements() -> list[str]:
    lines = (ROOT / "requirements.in").read_text().splitlines()
    return [normalise(line.strip()) for line in lines if line.strip() and not line.startswith("#")]


def environment_pip_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for entry in pip_section:
        if entry.startswith("-e"):
            continue
        name, _, version = entry.partition("==")
        pins[normalise(name)] = version
    return pins


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_tlutils_and_is_in_the_toc(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert re.search(r"^\s*(import tlutils|from tlutils)", code, re.M), f"{path.name}"
    toc = (ROOT / "book" / "_toc.yml").read_text()
    assert f"notebooks/{path.stem}" in toc, f"{path.name} is not in book/_toc.yml"


MAX_LINE, MAX_CELL_LINES = 79, 40  # the code box of a book page; a cell read at a glance


def code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_is_readable_on_the_page(path: Path) -> None:
    long_lines, long_cells = [], []
    for number, source in enumerate(code_cells(path)):
        lines = source.splitlines()
        long_lines += [f"code cell {number}: {line!r}" for line in lines if len(line) > MAX_LINE]
        if len(lines) > MAX_CELL_LINES:
            long_cells.append(f"code cell {number} ({len(lines)} lines)")
    assert not long_lines, f"lines over {MAX_LINE} characters: {long_lines[:5]}"
    assert not long_cells, f"cells over {MAX_CELL_LINES} lines: {long_cells}"


def test_no_notebook_defines_a_helper_defined_elsewhere() -> None:
    """A public function or class is defined once: in one notebook or one tlutils module."""
    import ast

    owners: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        for source in code_cells(path):
            # IPython magics (the Colab cell's %pip) are not Python: read them as `pass`
            code = re.sub(r"^(\s*)%.*$", r"\1pass", source, flags=re.M)
            for node in ast.parse(code).body:
                if isinstance(node, ast.FunctionDef | ast.ClassDef):
                    owners.setdefault(node.name, []).append(path.stem[:2])
    for module in ROOT.glob("tlutils/**/*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                owners.setdefault(node.name, []).append(f"tlutils/{module.name}")
    twice = {name: places for name, places in owners.items() if len(places) > 1}
    assert not twice, f"defined more than once: {twice}"


# Calls that choose something (a threshold, when to stop, a hyper-parameter): the data they are
# given must be validation data. An argument that names test data is flagged, unless the line
# says the test set is used "on purpose" (to show how much choosing on it flatters a score).
SELECTORS = {"best_threshold", "ValidationLoss"}
SELECTING_KEYWORDS = {"validation", "validation_data"}


def names_in(node: object) -> set[str]:
    """Every identifier, attribute and string constant inside an expression."""
    import ast

    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            found.add(child.value)
    return found


def choices_on_test_data(source: str) -> list[str]:
    """The lines of ``source`` that hand test data to a selection step."""
    import ast

    code = re.sub(r"^(\s*)%.*$", r"\1pass", source, flags=re.M)
    lines, flagged = code.splitlines(), []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        chosen = list(node.args) + list(node.keywords) if name in SELECTORS else []
        chosen += [k.value for k in node.keywords if k.arg in SELECTING_KEYWORDS]
        line = lines[node.lineno - 1]
        if "on purpose" in line:
            continue
        if any("test" in word.lower() for arg in chosen for word in names_in(arg)):
            flagged.append(line.strip())
    return flagged


def test_the_detector_flags_test_data_given_to_a_selection_step() -> None:
    assert choices_on_test_data("t = metrics.best_threshold(split.test.y, p)")
    assert choices_on_test_data("t.fit(x, y, steps=9, validation=(x_test, y_test))")
    assert choices_on_test_data("m.fit(x, y, validation_data=(split.test.X, split.test.y))")
    assert not choices_on_test_data("t = metrics.best_threshold(split.val.y, p)")
    assert not choices_on_test_data('t = best_threshold(y, p["test"])  # on purpose: optimism')


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_choice_is_made_on_test_data(path: Path) -> None:
    flagged = [line for source in code_cells(path) for line in choices_on_test_data(source)]
    assert not flagged, f"{path.name}: test data given to a selection step: {flagged}"


def test_no_code_downloads_at_run_time() -> None:
    sources = [*ROOT.glob("tlutils/**/*.py"), *NOTEBOOKS]
    hits = [str(p.relative_to(ROOT)) for p in sources if NETWORK_PATTERNS.search(p.read_text())]
    assert not hits, f"code that would download at run time: {hits}"


def test_requirements_are_fully_pinned_and_cover_the_top_level() -> None:
    pins = read_pins(ROOT / "requirements.txt")
    missing = [name for name in top_level_requirements() if name not in pins]
    assert not missing, f"requirements.txt lacks pins for {missing}"


def test_environment_yml_agrees_with_requirements() -> None:
    env_pins = environment_pip_pins()
    assert sorted(env_pins) == sorted(top_level_requirements())
    pins = read_pins(ROOT / "requirements.txt")
    disagree = {n: (v, pins[n]) for n, v in env_pins.items() if pins.get(n) != v}
    assert not disagree, f"environment.yml vs requirements.txt (env, req): {disagree}"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make book" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call the README's test command"
