"""Sphinx extension: keep the built site offline, free of console errors, with working buttons.

- Drops sphinx-thebe's scripts: the book does not use Thebe, and its configuration names a
  remote script (and is added twice by Jupyter Book 1, a redeclaration error in the console).
- Normalises an empty theme mode to "auto" before pydata-sphinx-theme reads it; otherwise a
  first visit logs "Got invalid theme mode" as a console error.
- Points the launch (Binder, Colab), "suggest an edit" and source buttons of pages whose source
  reaches the book through a symbolic link (``book/notebooks -> ../notebooks``) at the file's
  real place in the repository. The theme builds those links from ``path_to_book`` and the page
  name, giving ``book/notebooks/NAME.ipynb``; GitHub and Colab do not follow a symbolic link
  in the middle of a path, so such a link would end in "not found".
- Lets a long word of inline code (``tf.config.experimental.enable_op_determinism()``) or of
  an API signature break across lines: Sphinx keeps each such word on one line, so on a phone
  one long name widened the whole page. This extension writes the style sheet into ``_static``.
- Leaves out of the API reference the ``set_*_request`` methods that scikit-learn generates on
  every estimator for metadata routing: they are not part of tlutils, and their docstrings
  link to scikit-learn's own documentation (unresolved references, so warnings).
- Shows math as an ellipsis in the snippets on the search results page: Sphinx's search cuts
  them from the page's HTML, where math is still TeX source (``\\(\\theta_T\\)``) for
  MathJax to typeset, so the reader saw raw TeX.
- Omits the "Bases: object" line that ``show-inheritance`` prints for a plain class (a
  dataclass, say): it tells the reader nothing. Real base classes are still listed.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx
from sphinx.ext.autodoc import ClassDocumenter, Options

STYLE_SHEET = "offline_site.css"
STYLE = """\
/* Written by book/_ext/offline_site.py. A long word of inline code, or of an API signature,
   may break anywhere rather than widen the page on a phone (Sphinx's basic.css keeps each
   such word on one line). */
code.literal span.pre,
dt.sig span.pre {
  white-space: normal;
  overflow-wrap: anywhere;
}
"""

THEME_MODE_FIX = (
    "if (!document.documentElement.dataset.mode) {"
    " document.documentElement.dataset.mode = 'auto'; }"
)

# Sphinx's searchtools.js turns a result page's HTML into text with Search.htmlToText; wrap it
# so that each math element becomes an ellipsis first (its text is TeX source, unreadable in a
# snippet).
SEARCH_SNIPPET_FIX = """
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const toText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".math").forEach((el) => el.replaceWith("\u2026"));
    return toText(doc.documentElement.outerHTML, anchor);
  };
});
"""


def is_thebe_script(script: Any) -> bool:
    """True for the script tags sphinx-thebe adds to every page."""
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return "thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not is_thebe_script(s)]


def write_style_sheet(app: Sphinx) -> None:
    """Write the extension's style sheet into the html output's _static folder."""
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / STYLE_SHEET).write_text(STYLE, encoding="utf-8")


# --- buttons of pages whose source is a symbolic link ----------------------------------------


def repository_paths(app: Sphinx, pagename: str) -> tuple[str, str] | None:
    """(path the theme links to, real path) of a page's source, relative to the repository.

    None when the two agree, or when the source is not a file inside the repository.
    """
    path_to_book = str(app.config.html_theme_options.get("path_to_docs", "")).strip("/")
    srcdir = Path(app.srcdir)
    repo_root = srcdir
    for _ in PurePosixPath(path_to_book).parts:
        repo_root = repo_root.parent
    source = Path(app.env.doc2path(pagename))
    try:
        linked = source.relative_to(repo_root).as_posix()
        real = source.resolve().relative_to(repo_root.resolve()).as_posix()
    except ValueError:
        return None
    return None if linked == real else (linked, real)


def rewrite_urls(buttons: list[dict], old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the URLs of header buttons (groups included)."""
    for button in buttons:
        if isinstance(button.get("url"), str):
            button["url"] = button["url"].replace(old, new)
        rewrite_urls(button.get("buttons", []), old, new)


def link_buttons_to_real_sources(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Runs after sphinx-book-theme has built its header buttons (priority 501)."""
    if "header_buttons" not in context or pagename not in app.env.all_docs:
        return
    paths = repository_paths(app, pagename)
    if paths is not None:
        rewrite_urls(context["header_buttons"], *paths)


# --- API reference ---------------------------------------------------------------------------


def skip_metadata_routing(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Skip scikit-learn's generated ``set_fit_request``-style methods."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


class ClassDocumenterWithoutObjectBase(ClassDocumenter):
    """autodoc's class documenter, minus the "Bases: object" line of a class with no base."""

    def add_directive_header(self, sig: str) -> None:
        if getattr(self.object, "__bases__", None) == (object,):
            self.options = Options(self.options)  # a copy: the directive shares its options
            self.options["show-inheritance"] = False
        super().add_directive_header(sig)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_js_file(None, body=THEME_MODE_FIX, priority=0)
    app.add_js_file(None, body=SEARCH_SNIPPET_FIX, priority=900)
    app.add_css_file(STYLE_SHEET, priority=900)
    app.connect("builder-inited", write_style_sheet)
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", link_buttons_to_real_sources, priority=900)
    app.setup_extension("sphinx.ext.autodoc")  # defines the autodoc-skip-member event
    app.connect("autodoc-skip-member", skip_metadata_routing)
    app.add_autodocumenter(ClassDocumenterWithoutObjectBase, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
