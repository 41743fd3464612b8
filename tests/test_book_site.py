"""Build the book with Sphinx warnings as errors, then read the site as a reader would.

The build goes to book/_build, as `make book` does: `--all` makes Sphinx re-read every page (so
no warning hides behind an incremental build), while myst-nb's execution cache skips notebooks
that `make book` already executed unchanged. The browser checks drive Debian's headless
Chromium through Playwright against the site served on localhost. Every request that leaves
localhost is blocked and counted as a failure: the book must read offline.

Every page is opened twice, at a desktop size and at a phone size, and photographed full-page
into book/_build/screenshots/<page>-<desktop|phone>.png for a person to look through.

To run the browser checks against a site built elsewhere (for example while changing them),
set BOOK_SITE_HTML to its html folder: the build is then skipped and the screenshots go to a
`screenshots` folder next to it.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
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
GENERATED_PAGES = {"genindex.html", "search.html", "py-modindex.html"}

# The two sizes every page is read and photographed at. The phone is a 390x844 CSS-pixel
# screen (an iPhone 12-15 or a mid-size Android phone) with a mobile browser's behaviour:
# touch, a mobile user agent, the page's <meta viewport> honoured, three device pixels per CSS
# pixel. Screenshots are saved at one pixel per CSS pixel to keep them small.
DEVICES: dict[str, dict] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
        "user_agent": (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
        ),
    },
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SEARCH_WORD = "fine-tuning"
BUTTON_NOTEBOOK = "notebooks/01_pretrain_finetune_evaluate"
SOLUTION_TITLE = re.compile(r'class="admonition-title">Solution to exercise \d+\s*<')
SOLUTION_CODE = re.compile(r"# Solution to exercise \d+")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def site() -> Path:
    """Build the book with warnings as errors and return its html directory."""
    prebuilt = os.environ.get("BOOK_SITE_HTML")
    if prebuilt:
        html = Path(prebuilt).resolve()
        assert (html / "intro.html").is_file(), f"BOOK_SITE_HTML={prebuilt!r} holds no built book"
        return html
    # As make book does it: the notebooks executed on every core into the execution cache,
    # then the site rendered, with the build finding every notebook in that cache.
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    execution = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "execute_book.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    assert execution.returncode == 0, f"tools/execute_book.py failed:\n{execution.stderr[-6000:]}"
    # Pages of notebooks renamed or removed since an earlier build would linger: start empty.
    shutil.rmtree(ROOT / "book" / "_build" / "html", ignore_errors=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
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
    assert "Executing notebook" not in result.stdout, "the build missed the execution cache"
    assert result.stdout.count("Using cached notebook") == len(list(NOTEBOOK_DIR.glob("*.ipynb")))
    return ROOT / "book" / "_build" / "html"


def is_redirect(page: Path) -> bool:
    """Jupyter Book's index.html is only a meta refresh to the root page."""
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:500]


def content_pages(site: Path) -> list[Path]:
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    return sorted(p for p in pages if p.name not in GENERATED_PAGES and not is_redirect(p))


def page_names(site: Path) -> list[str]:
    """Content pages as paths relative to the site root, e.g. 'chapters/math.html'."""
    return [p.relative_to(site).as_posix() for p in content_pages(site)]


def test_index_redirects_to_the_landing_page(site: Path) -> None:
    assert is_redirect(site / "index.html")
    assert 'url=intro.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_build_has_every_toc_page(site: Path) -> None:
    names = set(page_names(site))
    expected = {"intro.html", "chapters/math.html", "chapters/bibliography.html"}
    expected |= {f"notebooks/{nb.stem}.html" for nb in (ROOT / "notebooks").glob("*.ipynb")}
    expected |= {f"api/{page.stem}.html" for page in (ROOT / "book" / "api").glob("*.md")}
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


def test_no_table_shows_nan_to_the_reader(site: Path) -> None:
    """A NaN cell in a displayed DataFrame is a missing value the reader cannot interpret;
    tables leave such cells blank or fill them with a meaningful value."""
    with_nan = [p.name for p in content_pages(site) if "<td>NaN</td>" in p.read_text("utf-8")]
    assert not with_nan, f"tables with NaN cells in: {with_nan}"


def test_api_reference_documents_every_public_name(site: Path) -> None:
    """Each tlutils module's __all__ appears in its API page (autodoc ran, nothing lost)."""
    import importlib

    pages = {
        "tlutils." + page.stem.replace("_", "."): page.stem
        for page in (ROOT / "book" / "api").glob("*.md")
        if page.stem != "index"
    }
    assert len(pages) >= 12, f"expected an API page per module, found {sorted(pages)}"
    missing, misread, bases_object = {}, [], []
    for module_name, stem in pages.items():
        html = (site / "api" / f"{stem}.html").read_text(encoding="utf-8")
        module = importlib.import_module(module_name)
        # A re-exported name (tlutils.adapt's) is documented on the page of the module that
        # defines it; that page is checked in its own turn.
        defined_in = {n: getattr(getattr(module, n), "__module__", None) for n in module.__all__}
        own = [n for n, where in defined_in.items() if where in (module_name, None)]
        absent = [name for name in own if f'id="{module_name}.{name}"' not in html]
        if absent:
            missing[module_name] = absent
        # napoleon reads "text: more text" on the first line of a constant's or property's
        # docstring as "type: description" and shows a "Type" field holding the text.
        if '">Type<span class="colon">' in html:
            misread.append(module_name)
        if re.search(r"Bases: <code[^>]*><span[^>]*>object<", html):
            bases_object.append(module_name)
    assert not bases_object, f"a 'Bases: object' line (no information) in {bases_object}"
    assert not missing, f"public names without an entry in the API reference: {missing}"
    assert not misread, f"a constant's docstring has 'words: ...' on its first line: {misread}"


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


def open_page(browser: object, device: str, local_prefix: str) -> tuple[object, list[str]]:
    """A new page at one of DEVICES' sizes that records every problem a reader would meet."""
    context = browser.new_context(**DEVICES[device])
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
    return page, problems


def wait_for_mathjax(page: object) -> None:
    page.evaluate(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " ? MathJax.startup.promise.then(() => true) : true"
    )
    page.wait_for_timeout(300)


def visit(browser: object, url: str, local_prefix: str, device: str, screenshot: Path) -> dict:
    """Open a page, wait for MathJax, photograph it whole, and report what a reader saw."""
    page, problems = open_page(browser, device, local_prefix)
    page.goto(url, wait_until="load")
    wait_for_mathjax(page)
    report = page.evaluate(PAGE_REPORT_JS)
    report["problems"] = problems
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True, scale="css")
    page.context.close()
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
  scrollWidth: document.documentElement.scrollWidth,
})
"""


@pytest.fixture(scope="session")
def screenshot_dir(site: Path) -> Path:
    """An emptied book/_build/screenshots (next to the html folder)."""
    folder = site.parent / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def visit_all(browser: object, site: Path, server: str, device: str, folder: Path) -> dict:
    reports = {}
    for name in page_names(site):
        shot = folder / f"{name.removesuffix('.html')}-{device}.png"
        reports[name] = visit(browser, server + name, server, device, shot)
    return reports


@pytest.fixture(scope="session")
def reports(site: Path, server: str, browser: object, screenshot_dir: Path) -> dict[str, dict]:
    """Visit every content page once at desktop size; the tests below read these reports."""
    return visit_all(browser, site, server, "desktop", screenshot_dir)


@pytest.fixture(scope="session")
def phone_reports(
    site: Path, server: str, browser: object, screenshot_dir: Path
) -> dict[str, dict]:
    """Visit every content page once more, at phone size."""
    return visit_all(browser, site, server, "phone", screenshot_dir)


def test_every_page_loads_without_errors_or_remote_requests(
    reports: dict[str, dict], phone_reports: dict[str, dict]
) -> None:
    failures = {
        f"{name} ({device})": r["problems"]
        for device, visited in (("desktop", reports), ("phone", phone_reports))
        for name, r in visited.items()
        if r["problems"]
    }
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


# --- screenshots and the phone layout ------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG file's header; AssertionError if it is not a PNG."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("device", list(DEVICES))
def test_every_page_has_a_full_page_screenshot(
    device: str, reports: dict[str, dict], phone_reports: dict[str, dict], screenshot_dir: Path
) -> None:
    visited = reports if device == "desktop" else phone_reports
    viewport = DEVICES[device]["viewport"]
    assert len(visited) >= 20, f"only {len(visited)} pages were visited"
    bad = {}
    for name in visited:
        shot = screenshot_dir / f"{name.removesuffix('.html')}-{device}.png"
        if not shot.is_file():
            bad[name] = "missing"
            continue
        width, height = png_size(shot)
        if width < viewport["width"] or height < viewport["height"]:
            bad[name] = f"{width}x{height} is smaller than the {device} screen"
        elif shot.stat().st_size < 10_000:
            bad[name] = f"only {shot.stat().st_size} bytes: a blank page?"
    assert not bad, f"{device} screenshots: {bad}"


def test_no_page_is_wider_than_a_phone(phone_reports: dict[str, dict]) -> None:
    """The document itself must fit 390 CSS pixels; wide code and tables scroll inside boxes.

    Compared with the configured width, not window.innerWidth: a mobile browser widens its
    layout viewport to fit content that overflows, so innerWidth would grow with the page.
    """
    width = DEVICES["phone"]["viewport"]["width"]
    wide = {n: r["scrollWidth"] for n, r in phone_reports.items() if r["scrollWidth"] > width + 1}
    assert not wide, f"pages wider than a {width}px phone (scrollWidth): {wide}"


# --- solutions, search and the header buttons ----------------------------------------------


def first_page_matching(site: Path, pattern: re.Pattern) -> str:
    for name in page_names(site):
        if pattern.search((site / name).read_text(encoding="utf-8")):
            return name
    pytest.fail(f"no page of the book matches {pattern.pattern!r}")


def test_a_solution_dropdown_opens_on_click(site: Path, server: str, browser: object) -> None:
    name = first_page_matching(site, SOLUTION_TITLE)
    page, problems = open_page(browser, "desktop", server)
    page.goto(server + name, wait_until="load")
    titles = ".admonition.dropdown > .admonition-title"
    title = page.locator(titles, has_text="Solution to exercise")
    solution = title.first.locator("xpath=..")
    body = solution.locator(":scope > :not(.admonition-title)").first
    assert title.first.is_visible(), f"{name}: the solution's title should show"
    assert body.count() == 1 and not body.is_visible(), f"{name}: the solution should start hidden"
    title.first.click()
    body.wait_for(state="visible", timeout=5_000)
    assert body.inner_text().strip(), f"{name}: the opened solution is empty"
    assert not problems, problems
    page.context.close()


def test_a_hidden_solution_cell_opens_on_click(site: Path, server: str, browser: object) -> None:
    name = first_page_matching(site, SOLUTION_CODE)
    page, problems = open_page(browser, "desktop", server)
    page.goto(server + name, wait_until="load")
    cell = page.locator(".cell.tag_hide-cell", has_text=SOLUTION_CODE).first
    code = cell.locator(".cell_input").first
    assert cell.count() == 1, f"{name}: no hide-cell solution"
    assert not code.is_visible(), f"{name}: the solution code should start hidden"
    cell.locator("summary").first.click()
    code.wait_for(state="visible", timeout=5_000)
    assert SOLUTION_CODE.search(code.inner_text()), f"{name}: the opened cell shows other code"
    assert not problems, problems
    page.context.close()


@pytest.mark.parametrize("device", list(DEVICES))
def test_search_finds_pages_of_the_book(
    device: str, site: Path, server: str, browser: object, screenshot_dir: Path
) -> None:
    """Search as a reader does: the search button, a word, Enter, then the results page."""
    page, problems = open_page(browser, device, server)
    page.goto(server + "intro.html", wait_until="load")
    page.locator("button.search-button__button").filter(visible=True).first.click()
    field = page.locator("#pst-search-dialog input[name=q]")
    field.fill(SEARCH_WORD)
    field.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results ul.search li a').length > 0",
        timeout=30_000,
    )
    hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    book_pages = {server + name for name in page_names(site)}
    found = {urldefrag(hit).url.split("?")[0] for hit in hits}
    assert found & book_pages, f"search for {SEARCH_WORD!r} found no page of the book: {hits}"
    page.wait_for_function(
        "() => (document.querySelector('#search-results .search-summary')?.innerText || '')"
        ".includes('Search finished')",
        timeout=60_000,
    )
    snippets = page.eval_on_selector_all(
        "#search-results p.context", "ps => ps.map(p => p.innerText)"
    )
    assert snippets, "the results carry no text snippets"
    raw_tex = [text for text in snippets if re.search(r"\\[(\[]|\\begin\{|\\end\{", text)]
    assert not raw_tex, f"search snippets show TeX source: {raw_tex[:2]}"
    page.screenshot(path=str(screenshot_dir / f"search-{device}.png"), full_page=True, scale="css")
    assert not problems, problems
    page.context.close()


def repository_settings() -> tuple[str, str, str]:
    """(url, branch, path_to_book) from book/_config.yml."""
    repo = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())["repository"]
    return repo["url"].rstrip("/"), repo["branch"], repo["path_to_book"].strip("/")


def test_notebook_page_has_launch_download_and_repository_buttons(
    reports: dict[str, dict], server: str, browser: object
) -> None:
    """Plain links with the right targets; the page itself loaded nothing remote (see above)."""
    url, branch, _ = repository_settings()
    owner_repo = urlparse(url).path.strip("/")
    source = f"{BUTTON_NOTEBOOK}.ipynb"  # relative to the repository root: the real file
    assert (ROOT / source).is_file()
    links = set(reports[f"{BUTTON_NOTEBOOK}.html"]["links"])
    expected = {
        "Binder": f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{source}",
        "Colab": f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{source}",
        "repository": url,
        "suggest an edit": f"{url}/edit/{branch}/{source}",
        "download .ipynb": f"{server}_sources/{source}",
    }
    missing = {what: link for what, link in expected.items() if link not in links}
    assert not missing, f"buttons missing or pointing elsewhere: {missing}"
    assert any(link.startswith(f"{url}/issues/new") for link in links), "no issues button"
    page, problems = open_page(browser, "desktop", server)
    notebook = page.request.get(expected["download .ipynb"])
    assert notebook.ok and json.loads(notebook.body())["cells"], "the .ipynb download is broken"
    assert not problems, problems
    page.context.close()


def test_edit_and_launch_links_name_files_of_the_repository(reports: dict[str, dict]) -> None:
    """Every 'suggest an edit', Colab and Binder link points at a file that exists."""
    url, branch, _ = repository_settings()
    owner_repo = urlparse(url).path.strip("/")
    prefixes = [
        f"{url}/edit/{branch}/",
        f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/",
        f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/",
    ]
    checked, dangling = 0, []
    for name, report in reports.items():
        for link in report["links"]:
            for prefix in prefixes:
                if link.startswith(prefix):
                    checked += 1
                    if not (ROOT / link.removeprefix(prefix)).is_file():
                        dangling.append((name, link))
    assert checked >= len(reports), "most pages should carry an edit link"
    assert not dangling, f"links to files that are not in the repository: {dangling[:10]}"
