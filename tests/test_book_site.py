"""Build the book with Sphinx warnings as errors, then read the site as a reader would.

The build goes to book/_build, as `make book` does: `--all` makes Sphinx re-read every page (so
no warning hides behind an incremental build), while myst-nb's execution cache skips notebooks
that `make book` already executed unchanged. The browser checks drive Debian's headless
Chromium through Playwright against the site served on localhost. Every request that leaves
localhost is blocked and counted as a failure: the book must read offline.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages Sphinx generates that hold no book content.
GENERATED_PAGES = {"genindex.html", "search.html"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def site() -> Path:
    """Build the book with warnings as errors and return its html directory."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [
            str(jupyter_book),
            "build",
            str(ROOT / "book"),
            "--all",
            "--warningiserror",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    log = result.stdout[-6000:] + result.stderr[-6000:]
    assert result.returncode == 0, f"jupyter-book build failed:\n{log}"
    return ROOT / "book" / "_build" / "html"


def is_redirect(page: Path) -> bool:
    """Jupyter Book's index.html is only a meta refresh to the root page."""
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:500]


def content_pages(site: Path) -> list[Path]:
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    return sorted(p for p in pages if p.name not in GENERATED_PAGES and not is_redirect(p))


def test_index_redirects_to_the_landing_page(site: Path) -> None:
    assert is_redirect(site / "index.html")
    assert 'url=intro.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_build_has_every_toc_page(site: Path) -> None:
    names = {p.relative_to(site).as_posix() for p in content_pages(site)}
    expected = {"intro.html", "chapters/math.html", "chapters/bibliography.html"}
    expected |= {f"notebooks/{nb.stem}.html" for nb in (ROOT / "notebooks").glob("*.ipynb")}
    assert expected <= names, f"missing pages: {expected - names}"


def test_site_needs_no_remote_script_or_style(site: Path) -> None:
    """No page loads a script, style sheet or font from another host."""
    remote = []
    for page in content_pages(site):
        parser = AssetCollector()
        parser.feed(page.read_text(encoding="utf-8"))
        remote += [(page.name, url) for url in parser.assets if urlparse(url).netloc]
    assert not remote, f"remote assets: {remote[:10]}"
    assert (site / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()


def test_notebook_pages_show_glued_numbers(site: Path) -> None:
    """A glue key that did not resolve renders as '???' or an error; neither may appear."""
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        html = (site / "notebooks" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert "???" not in html, f"{nb.stem}: unresolved glue"
        assert "Traceback (most recent call last)" not in html, f"{nb.stem}: an error is shown"


class AssetCollector(HTMLParser):
    """Collect the URLs of scripts, style sheets and images in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in {"script", "img"} and found.get("src"):
            self.assets.append(found["src"])
        if tag == "link" and found.get("rel") in {"stylesheet", "preload"} and found.get("href"):
            self.assets.append(found["href"])


# --- the browser checks -------------------------------------------------------------------


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """Serve the built site on a free localhost port."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run should have installed it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


def visit(browser: object, url: str, local_prefix: str) -> dict:
    """Open a page, wait for MathJax, and report what a reader would have seen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"),
    )

    def block_remote(route: object) -> None:
        problems.append(f"remote request: {route.request.url}")
        route.abort()

    page.route(lambda u: not u.startswith(local_prefix) and not u.startswith("data:"), block_remote)
    page.goto(url, wait_until="load")
    page.evaluate(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " ? MathJax.startup.promise.then(() => true) : true"
    )
    page.wait_for_timeout(300)
    report = page.evaluate(PAGE_REPORT_JS)
    report["problems"] = problems
    context.close()
    return report


PAGE_REPORT_JS = """
() => ({
  mathjaxVersion: window.MathJax && MathJax.version ? MathJax.version : null,
  mathjaxSrc: [...document.scripts].map(s => s.src).filter(s => s.includes('mathjax')),
  typeset: document.querySelectorAll('mjx-container').length,
  rawMath: document.querySelectorAll('.math:not(:has(mjx-container))').length,
  brokenImages: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
                                    .map(i => i.src),
  images: document.images.length,
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
})
"""


@pytest.fixture(scope="session")
def reports(site: Path, server: str, browser: object) -> dict[str, dict]:
    """Visit every content page once; the tests below read these reports."""
    pages = [p.relative_to(site).as_posix() for p in content_pages(site)]
    return {name: visit(browser, server + name, server) for name in pages}


def test_every_page_loads_without_errors_or_remote_requests(reports: dict[str, dict]) -> None:
    failures = {name: r["problems"] for name, r in reports.items() if r["problems"]}
    assert not failures, f"pages with problems: {failures}"


def test_math_is_typeset_by_the_local_mathjax(reports: dict[str, dict], server: str) -> None:
    math_page = reports["chapters/math.html"]
    assert math_page["mathjaxVersion"] and math_page["mathjaxVersion"].startswith("3.")
    assert all(src.startswith(server) for src in math_page["mathjaxSrc"])
    assert math_page["typeset"] >= 10, "the math chapter should show typeset formulas"
    untypeset = {name: r["rawMath"] for name, r in reports.items() if r["rawMath"]}
    assert not untypeset, f"math left as raw TeX: {untypeset}"


def test_every_image_loaded(reports: dict[str, dict]) -> None:
    broken = {name: r["brokenImages"] for name, r in reports.items() if r["brokenImages"]}
    assert not broken, f"images that did not load: {broken}"
    notebook_images = [r["images"] for n, r in reports.items() if n.startswith("notebooks/")]
    assert notebook_images and min(notebook_images) >= 1, "each notebook page shows a figure"


def link_resolves(link: str, site: Path, ids_by_page: dict[str, set]) -> bool:
    """True when a local link names a file of the site and, if it has one, an id in that page."""
    target, fragment = urldefrag(link)
    path = site / urlparse(target).path.lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return False
    return not fragment or target not in ids_by_page or fragment in ids_by_page[target]


def test_every_internal_link_resolves(reports: dict[str, dict], site: Path, server: str) -> None:
    ids_by_page = {server + name: set(r["ids"]) for name, r in reports.items()}
    broken = [
        (name, link)
        for name, report in reports.items()
        for link in report["links"]
        if link.startswith(server) and not link_resolves(link, site, ids_by_page)
    ]
    assert not broken, f"internal links that do not resolve: {broken[:20]}"
    assert sum(len(r["links"]) for r in reports.values()) > 50
