"""Sphinx extension: keep the built site free of remote scripts and console errors.

- Drops sphinx-thebe's scripts: the book does not use Thebe, and its configuration names a
  remote script (and is added twice by Jupyter Book 1, a redeclaration error in the console).
- Normalises an empty theme mode to "auto" before pydata-sphinx-theme reads it; otherwise a
  first visit logs "Got invalid theme mode" as a console error.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

THEME_MODE_FIX = (
    "if (!document.documentElement.dataset.mode) {"
    " document.documentElement.dataset.mode = 'auto'; }"
)


def is_thebe_script(script: Any) -> bool:
    """True for the script tags sphinx-thebe adds to every page."""
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return "thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not is_thebe_script(s)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_js_file(None, body=THEME_MODE_FIX, priority=0)
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
