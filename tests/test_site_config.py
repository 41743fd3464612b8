"""Fast checks of the site's configuration and of book/_ext/offline_site.py (no build, no browser).

The slow browser test (test_book_site.py) checks the built pages; these tests catch a broken
setting or a missing API page in well under a second.
"""

from __future__ import annotations

import ast
import importlib.util
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
REPOSITORY = "https://github.com/transfer-learning-hands-on/book"


def load_config() -> dict:
    return yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))


def toc_files(entries: list[dict]) -> list[str]:
    """Every `file:` of a _toc.yml subtree, depth first."""
    files = []
    for entry in entries:
        if "file" in entry:
            files.append(entry["file"])
        files += toc_files(entry.get("sections", []) + entry.get("chapters", []))
    return files


@pytest.fixture(scope="module")
def offline_site():
    """The book's local Sphinx extension, imported from its file."""
    spec = importlib.util.spec_from_file_location("offline_site", BOOK / "_ext/offline_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- _config.yml ---------------------------------------------------------------------------


def tlutils_modules() -> list[str]:
    """Every module of the package, e.g. 'tlutils.plotting.curves' (the package itself aside)."""
    names = []
    for path in sorted((ROOT / "tlutils").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1].startswith("_"):  # private modules (_validation) have no page
            continue
        if len(parts) > 1:
            names.append(".".join(parts))
    return names


def test_every_tlutils_module_has_an_api_page_in_the_reference_part() -> None:
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    reference = next(part for part in toc["parts"] if part["caption"] == "Reference")
    listed = toc_files(reference["chapters"])
    assert "api/index" in listed
    for module in tlutils_modules():
        stem = module.removeprefix("tlutils.").replace(".", "_")
        page = BOOK / "api" / f"{stem}.md"
        assert page.is_file(), f"{module} has no API page ({page.relative_to(ROOT)})"
        assert f".. automodule:: {module}\n" in page.read_text(encoding="utf-8")
        assert f"api/{stem}" in listed, f"api/{stem} is not under 'Reference' in _toc.yml"


def test_every_public_name_in_tlutils_has_a_docstring() -> None:
    """autodoc shows only documented members: a public name without a docstring would vanish."""
    undocumented = []
    for path in sorted((ROOT / "tlutils").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        public = [
            node
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
        ]
        name = path.relative_to(ROOT)
        undocumented += [f"{name}:{node.name}" for node in public if not ast.get_docstring(node)]
    assert not undocumented, f"public functions or classes without a docstring: {undocumented}"


# --- Binder --------------------------------------------------------------------------------


# --- book/_ext/offline_site.py -------------------------------------------------------------


def fake_app(srcdir: Path, path_to_docs: str) -> SimpleNamespace:
    return SimpleNamespace(
        srcdir=srcdir,
        config=SimpleNamespace(html_theme_options={"path_to_docs": path_to_docs}),
        env=SimpleNamespace(
            doc2path=lambda name: srcdir / f"{name}.ipynb",
            all_docs={"notebooks/nb": 0.0, "chapters/ch": 0.0},
        ),
    )


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_buttons_of_a_symlinked_notebook_point_at_its_real_file(
    tmp_path: Path, offline_site
) -> None:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "nb.ipynb").write_text("{}")
    (tmp_path / "book" / "chapters").mkdir(parents=True)
    (tmp_path / "book" / "chapters" / "ch.ipynb").write_text("{}")
    (tmp_path / "book" / "notebooks").symlink_to("../notebooks")
    app = fake_app(tmp_path / "book", "book")
    assert offline_site.repository_paths(app, "notebooks/nb") == (
        "book/notebooks/nb.ipynb",
        "notebooks/nb.ipynb",
    )
    assert offline_site.repository_paths(app, "chapters/ch") is None

    edit = f"{REPOSITORY}/edit/main/book/notebooks/nb.ipynb"
    buttons = [
        {"type": "group", "buttons": [{"url": edit}, {"url": REPOSITORY}]},
        {"type": "javascript", "javascript": "window.print()"},
    ]
    context = {"header_buttons": buttons}
    offline_site.link_buttons_to_real_sources(app, "notebooks/nb", "page.html", context, None)
    assert buttons[0]["buttons"][0]["url"] == f"{REPOSITORY}/edit/main/notebooks/nb.ipynb"
    assert buttons[0]["buttons"][1]["url"] == REPOSITORY
    assert "url" not in buttons[1]


def test_generated_pages_keep_their_buttons(tmp_path: Path, offline_site) -> None:
    """genindex and search have no source file: the hook must leave them alone."""
    app = fake_app(tmp_path / "book", "book")
    buttons = [{"url": f"{REPOSITORY}/edit/main/book/genindex"}]
    context = {"header_buttons": buttons}
    offline_site.link_buttons_to_real_sources(app, "genindex", "genindex.html", context, None)
    assert buttons == [{"url": f"{REPOSITORY}/edit/main/book/genindex"}]


def test_scikit_learn_routing_methods_are_left_out_of_the_api_reference(offline_site) -> None:
    skip = offline_site.skip_metadata_routing
    assert skip(None, "method", "set_fit_request", None, False, None) is True
    assert skip(None, "method", "set_transform_request", None, False, None) is True
    assert skip(None, "method", "fit", None, False, None) is None
    assert skip(None, "function", "set_seed", None, False, None) is None


def test_thebe_scripts_are_dropped(offline_site) -> None:
    kept = SimpleNamespace(filename="_static/scripts/pydata.js", attributes={})
    thebe_file = SimpleNamespace(filename="_static/sphinx-thebe.js", attributes={})
    thebe_body = SimpleNamespace(filename=None, attributes={"body": "var THEBE_JS_URL = 'x'"})
    context = {"script_files": [kept, thebe_file, thebe_body]}
    offline_site.drop_thebe(None, "intro", "page.html", context, None)
    assert context["script_files"] == [kept]


def test_style_sheet_lets_long_code_words_wrap(tmp_path: Path, offline_site) -> None:
    app = SimpleNamespace(outdir=tmp_path / "html", builder=SimpleNamespace(format="html"))
    offline_site.write_style_sheet(app)
    css = (tmp_path / "html" / "_static" / offline_site.STYLE_SHEET).read_text()
    assert "code.literal span.pre" in css and "overflow-wrap: anywhere" in css
    latex = SimpleNamespace(outdir=tmp_path / "latex", builder=SimpleNamespace(format="latex"))
    offline_site.write_style_sheet(latex)
    assert not (tmp_path / "latex").exists()
