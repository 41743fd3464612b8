"""Every chapter opens with objectives and prerequisites and ends with exercises and solutions.

The conventions (see the instructors' page): two admonitions titled "Learning objectives" and
"Prerequisites" near the top; a final "## Exercises" section with 2-4 exercises labelled
``**Exercise N.**``, each followed by a collapsed admonition ``Solution to exercise N`` (class
``dropdown``). In notebooks, at least one solution is code, in a cell tagged ``hide-cell`` whose
first line is ``# Solution to exercise N``; it executes under nbval like every other cell. Every
notebook starts with the same Colab install cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
# Pages that are not chapters: the landing page, reference material, pages about the book.
NOT_CHAPTERS = {
    "intro",
    "chapters/conclusion",
    "chapters/glossary",
    "chapters/bibliography",
    "chapters/instructors",
}
NOT_CHAPTER_PREFIXES = ("api/", "chapters/notebook_list")
COLAB_CELL = (ROOT / "tests" / "colab_install_cell.txt").read_text(encoding="utf-8").strip()


def toc_files(node: object) -> list[str]:
    """All ``file:`` entries of a (nested) _toc.yml structure, in order."""
    if isinstance(node, dict):
        found = [node["file"]] if "file" in node else []
        return found + [f for value in node.values() for f in toc_files(value)]
    if isinstance(node, list):
        return [f for item in node for f in toc_files(item)]
    return []


def chapters() -> list[str]:
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"], *toc_files(toc["parts"])]
    return [f for f in files if f not in NOT_CHAPTERS and not f.startswith(NOT_CHAPTER_PREFIXES)]


def read_cells(page: str) -> list[tuple[str, str, list[str]]]:
    """(cell type, source, tags) for a notebook; one markdown 'cell' for a Markdown page."""
    notebook = BOOK / f"{page}.ipynb"
    if notebook.exists():
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        return [
            (c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", []))
            for c in nb["cells"]
        ]
    return [("markdown", (BOOK / f"{page}.md").read_text(encoding="utf-8"), [])]


def markdown_text(cells: list[tuple[str, str, list[str]]]) -> str:
    return "\n\n".join(source for kind, source, _ in cells if kind == "markdown")


def exercises_section(text: str) -> str:
    parts = re.split(r"^## Exercises\s*$", text, flags=re.MULTILINE)
    assert len(parts) == 2, "needs exactly one '## Exercises' section"
    after = parts[1]
    assert not re.search(r"^## ", after, flags=re.MULTILINE), "'## Exercises' must come last"
    return after


CHAPTERS = chapters()


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_opens_with_objectives_and_prerequisites(page: str) -> None:
    text = markdown_text(read_cells(page))
    first_section = re.search(r"^## ", text, flags=re.MULTILINE)
    head = text[: first_section.start()] if first_section else text
    objectives = re.search(
        r":::\{admonition\} Learning objectives\n:class: tip\n(.*?)\n:::", head, re.DOTALL
    )
    assert objectives, f"{page}: no 'Learning objectives' admonition before the first section"
    bullets = re.findall(r"^- \S", objectives.group(1), flags=re.MULTILINE)
    assert 3 <= len(bullets) <= 6, f"{page}: {len(bullets)} objectives; expected 3-6"
    assert re.search(r":::\{admonition\} Prerequisites\n:class: note\n", head), (
        f"{page}: no 'Prerequisites' admonition before the first section"
    )


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_ends_with_exercises_and_collapsed_solutions(page: str) -> None:
    section = exercises_section(markdown_text(read_cells(page)))
    numbers = [int(n) for n in re.findall(r"^\*\*Exercise (\d+)\.\*\*", section, re.MULTILINE)]
    assert 2 <= len(numbers) <= 4, f"{page}: {len(numbers)} exercises; expected 2-4"
    assert numbers == list(range(1, len(numbers) + 1)), f"{page}: exercises numbered {numbers}"
    solutions = re.findall(
        r":::\{admonition\} Solution to exercise (\d+)\n:class: dropdown\n", section
    )
    assert [int(n) for n in solutions] == numbers, (
        f"{page}: collapsed solutions for exercises {solutions}, exercises {numbers}"
    )


NOTEBOOK_CHAPTERS = [p for p in CHAPTERS if (BOOK / f"{p}.ipynb").exists()]


@pytest.mark.parametrize("page", NOTEBOOK_CHAPTERS)
def test_notebook_solutions_include_code_in_collapsed_cells(page: str) -> None:
    code = [(source, tags) for kind, source, tags in read_cells(page) if kind == "code"]
    solutions = [(s, t) for s, t in code if re.match(r"# Solution to exercise \d+\n", s)]
    assert solutions, f"{page}: no code cell starts with '# Solution to exercise N'"
    for source, tags in solutions:
        assert "hide-cell" in tags, f"{page}: solution cell not collapsed: {source[:40]!r}"


@pytest.mark.parametrize("page", NOTEBOOK_CHAPTERS)
def test_notebook_starts_with_the_colab_install_cell(page: str) -> None:
    first_code = next(src for kind, src, _ in read_cells(page) if kind == "code")
    assert first_code.strip() == COLAB_CELL, f"{page}: first code cell is not the install cell"
