"""The documentation site, checked in a real browser.

`tools/docs_site.py build` turns the notebooks into an HTML site (nbdev's docs processing, rendered with
nbconvert). Here it is served on 127.0.0.1 and opened in headless Chromium through Playwright:

- every page loads with no console error, no failed request and no request leaving 127.0.0.1;
- no local link, image, script or stylesheet is broken (`#fragment`s must exist in their page);
- every page's navigation lists every notebook in `nbs/`, tutorials included (worked out here from the
  files, not from the site's own `sidebar.yml`);
- the player page's JavaScript animation plays: its frame changes after clicking play;
- every exported function and class has its documentation entry on its notebook's page, and is used
  in a code cell of its notebook (an example or a test) outside the cell that defines it;
- the lab notes (`nbs/lab/`) have a sidebar section of their own, "Lab notes", listed last.

The build's execute step is CI's notebook test step (each notebook runs once): it is checked here
without a browser on a few throw-away notebooks (a failing cell fails it, naming the notebook and the
error; slow, `eval: false`, `.notest` and code-less notebooks are not run), and `.ci/run` is checked to
run the notebooks through it alone.

Screenshots of the home and player pages go to `_site_shots/` (or `$VLA_DOCS_SHOTS`).

The site is taken from `$VLA_DOCS_SITE` when set (`.ci/run` builds it first); otherwise `_site/` is
(re)built when it is missing or older than the notebooks. Without a Chromium the browser tests skip,
unless `$VLA_REQUIRE_BROWSER` is set (as in `.ci/run`), where they fail.
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
SHOTS = Path(os.environ.get("VLA_DOCS_SHOTS", ROOT / "_site_shots"))
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--no-first-run", "--disable-component-update", "--disable-sync"]


def notebooks() -> list[Path]:
    "Every notebook under nbs/ the way nbdev finds them (recursive; folders starting with _ or . skipped)."
    return sorted(p for p in NBS.rglob("*.ipynb")
                  if not any(part.startswith((".", "_")) for part in p.relative_to(NBS).parent.parts)
                  and not p.name.startswith((".", "_")))


def page_of(nb: Path) -> str:
    "The page of a notebook: number prefix dropped, lower case, .html (Quarto's and nbdev's naming)."
    rel = nb.relative_to(NBS)
    return (rel.parent / (re.sub(r"^\d+[a-zA-Z0-9]*_", "", rel.stem.lower()) + ".html")).as_posix()


PAGES = [page_of(nb) for nb in notebooks()]


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="session")
def site() -> Path:
    if os.environ.get("VLA_DOCS_SITE"):
        path = Path(os.environ["VLA_DOCS_SITE"])
        assert (path / "index.html").exists(), f"$VLA_DOCS_SITE={path} has no index.html: build it with tools/docs_site.py build"
        return path
    path = ROOT / "_site"
    stamp = path / ".build-stamp"
    sources = [p for p in NBS.rglob("*") if p.is_file()] + [ROOT / "tools" / "docs_site.py"]
    if not stamp.exists() or stamp.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        subprocess.run([sys.executable, str(ROOT / "tools" / "docs_site.py"), "build", "--out", str(path)],
                       check=True, cwd=ROOT)
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


@pytest.fixture(scope="session")
def server(site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def find_chromium() -> str | None:
    if os.environ.get("CHROMIUM"): return os.environ["CHROMIUM"] if Path(os.environ["CHROMIUM"]).exists() else None
    for name in ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser"):
        if shutil.which(name): return shutil.which(name)
    return None


@pytest.fixture(scope="session")
def browser():
    exe = find_chromium()
    required = bool(os.environ.get("VLA_REQUIRE_BROWSER"))
    if exe is None:
        msg = "no Chromium found (looked for $CHROMIUM, chromium, google-chrome, chromium-browser); on Debian: apt-get install -y chromium"
        if required: pytest.fail(msg)
        pytest.skip(msg)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        msg = "playwright is not installed: pip install -e '.[dev]'"
        if required: pytest.fail(msg)
        pytest.skip(msg)
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=exe, args=BROWSER_ARGS, headless=True)
    yield b
    b.close()
    pw.stop()


class PageWatch:
    "Open a page and record what went wrong while it loaded."
    def __init__(self, browser, server):
        self.server, self.problems = server, []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        p = self.page
        p.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        p.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        p.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        p.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        p.on("request", self._check_host)

    def _check_host(self, req):
        u = urlparse(req.url)
        if u.scheme in ("data", "blob", "about"): return
        if u.hostname != "127.0.0.1": self.problems.append(f"request leaves the site: {req.url}")

    def open(self, page: str):
        self.page.goto(self.server + page, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page


# ------------------------------------------------------------------ every page

_ids_cache: dict = {}


def _ids(file: Path) -> set:
    if file not in _ids_cache:
        _ids_cache[file] = set(re.findall(r'\b(?:id|name)="([^"]+)"', file.read_text(errors="replace")))
    return _ids_cache[file]


def test_every_notebook_has_a_page(site):
    missing = [p for p in PAGES if not (site / p).exists()]
    assert not missing, f"notebooks without a page in {site}: {missing}"
    assert len(PAGES) >= 10 and any(p.startswith("tutorials/") for p in PAGES), PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly_with_working_links_and_navigation(page, site, server, browser):
    w = PageWatch(browser, server)
    try:
        p = w.open(page)
        problems = list(w.problems)
        # local links, images, scripts and stylesheets point at files that exist (and #fragments at ids)
        refs = p.evaluate("""() => [
            ...[...document.querySelectorAll('a[href]')].map(e => ['link', e.href]),
            ...[...document.querySelectorAll('img[src]')].map(e => ['image', e.src]),
            ...[...document.querySelectorAll('script[src]')].map(e => ['script', e.src]),
            ...[...document.querySelectorAll('link[href]')].map(e => ['stylesheet', e.href])]""")
        for kind, url in refs:
            u = urlparse(url)
            if u.scheme == "data" or (u.hostname and u.hostname != "127.0.0.1") or u.scheme in ("mailto", "javascript"):
                continue
            target = site / unquote(u.path).lstrip("/")
            if target.is_dir(): target = target / "index.html"
            if not target.exists(): problems.append(f"broken {kind}: {url}")
            elif u.fragment and target.suffix == ".html" and not {u.fragment, unquote(u.fragment)} & _ids(target):
                problems.append(f"broken {kind} fragment: {url}")
        # every image actually decoded
        bad_imgs = p.evaluate("() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))")
        problems += [f"image not displayed: {s}" for s in bad_imgs]
        # the navigation lists every notebook and tutorial
        nav = p.evaluate("() => [...document.querySelectorAll('#sidebar a')].map(a => a.href)")
        nav_pages = {urlparse(h).path.lstrip("/") for h in nav}
        problems += [f"navigation lacks {q}" for q in PAGES if q not in nav_pages]
        assert p.locator("h1.title").count() == 1 and p.locator("h1.title").inner_text().strip(), "page has no title"
    finally:
        w.page.close()
    assert not problems, f"{page}:\n" + "\n".join(problems)


# ------------------------------------------------------------------ screenshots, player

def test_home_page_and_screenshot(site, server, browser):
    w = PageWatch(browser, server)
    try:
        p = w.open("index.html")
        gif = p.locator("img[src$='agent.gif']")
        assert gif.count() >= 1, "the home page shows the shipped agent's GIF"
        assert p.evaluate("() => [...document.images].find(i => i.src.endsWith('agent.gif')).naturalWidth") > 0
        text = p.locator("main").inner_text()
        assert "bash .ci/run" in text and "python -m vla_cartpole.train" in text, "the two set-up commands are on the home page"
        SHOTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(SHOTS / "home.png"), full_page=True)
    finally:
        w.page.close()
    assert not w.problems, w.problems
    assert (SHOTS / "home.png").stat().st_size > 10_000


def test_player_animation_plays(site, server, browser):
    w = PageWatch(browser, server)
    try:
        p = w.open("player.html")
        img = p.locator(".animation img").first
        assert img.count() == 1, "player.html has no JS animation (episode_animation is run when the docs are built)"
        img.scroll_into_view_if_needed()
        frame0 = img.get_attribute("src")
        slider = p.locator(".animation input[type=range]").first
        n_frames = int(slider.get_attribute("max"))
        assert n_frames >= 10, f"the animation has only {n_frames + 1} frames"
        p.locator(".animation button[title='Play']").first.click()
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        try: p.wait_for_function("([el, s]) => el.src !== s", arg=[img.element_handle(), frame0], timeout=5000)
        except PlaywrightTimeout: pytest.fail("the animation's frame did not change within 5 s of clicking play")
        p.wait_for_timeout(500)
        later = img.get_attribute("src")
        assert later != frame0 and int(slider.input_value()) > 0, "the frame did not change after clicking play"
        p.locator(".animation button[title='Pause']").first.click()
        SHOTS.mkdir(parents=True, exist_ok=True)
        p.locator(".animation").first.screenshot(path=str(SHOTS / "player_animation.png"))
        p.screenshot(path=str(SHOTS / "player.png"), full_page=True)
    finally:
        w.page.close()
    assert not w.problems, w.problems


# ------------------------------------------------------------------ reference pages

def _code_cells(nb: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]


_re_export = re.compile(r"^\s*#\|\s*exports?\s*$", re.M)


def _exported(nb: Path) -> tuple[list[str], list[str]]:
    "(public functions and classes, patched methods as `Class.name`) defined in the notebook's exported cells."
    import ast
    names, methods = [], []
    for src in _code_cells(nb):
        if not _re_export.search(src): continue
        for node in ast.parse(src).body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or node.name.startswith("_"): continue
            patched = any(getattr(d, "id", None) == "patch" for d in getattr(node, "decorator_list", []))
            if patched and node.args.args and node.args.args[0].annotation is not None:
                methods.append(f"{ast.unparse(node.args.args[0].annotation)}.{node.name}")
            else:
                names.append(node.name)
    return names, methods


REF_NBS = [nb for nb in notebooks() if any(re.search(r"^#\|\s*default_exp", c, re.M) for c in _code_cells(nb))]


@pytest.mark.parametrize("nb", REF_NBS, ids=[nb.stem for nb in REF_NBS])
def test_reference_page_documents_every_export(nb, site):
    names, methods = _exported(nb)
    assert names, f"{nb.name}: no exported functions or classes found"
    ids = _ids(site / page_of(nb))
    missing = [n for n in names + methods if n.lower() not in ids]
    assert not missing, f"{page_of(nb)} has no show_doc entry for {missing}"


@pytest.mark.parametrize("nb", REF_NBS, ids=[nb.stem for nb in REF_NBS])
def test_every_export_has_an_example_or_test_in_its_notebook(nb):
    names, _ = _exported(nb)
    code = [src for src in _code_cells(nb) if not _re_export.search(src)]
    used = {n for n in names for src in code
            if re.search(rf"\b{n}\b", src) and not re.search(rf"^\s*(def|class)\s+{n}\b", src, re.M)}
    missing = sorted(set(names) - used)
    assert not missing, f"{nb.name}: exported but never used in an example or test cell: {missing}"


# ------------------------------------------------------------------ lab notes

LAB = [nb for nb in notebooks() if nb.relative_to(NBS).parts[0] == "lab"]


def _sections(page_html: str) -> list[tuple[str, list[str]]]:
    "The sidebar's sections of a built page: [(title, [pages, relative to the site root])]."
    nav = re.search(r'<nav id="sidebar".*?</nav>', page_html, re.S).group(0)
    out = [(html_title.strip(), [re.sub(r"^(\.\./)+", "", h) for h in re.findall(r'href="([^"]+)"', ul)])
           for html_title, ul in re.findall(r'<div class="section">([^<]*)</div>\s*<ul>(.*?)</ul>', nav, re.S)]
    return [(t.replace("&amp;", "&"), pages) for t, pages in out]


def test_sidebar_names_the_lab_folder_lab_notes_and_lists_it_last(tmp_path):
    "nbdev's sidebar.yml (one section per folder, in its order) → the site's sections."
    sys.path.insert(0, str(ROOT / "tools"))
    import docs_site
    (tmp_path / "sidebar.yml").write_text(json.dumps({"website": {"sidebar": {"contents": [
        "index.ipynb", "00_tasks.ipynb",
        {"section": "lab", "contents": ["lab/training_runs.ipynb"]},
        {"section": "tutorials", "contents": ["tutorials/01_environment.ipynb"]}]}}}))     # JSON is YAML
    entries = docs_site._sidebar_entries(tmp_path, {"lab/training_runs.html": "Every training run"})
    assert entries == [(None, [("index.html", "index"), ("tasks.html", "tasks")]),
                       ("tutorials", [("tutorials/environment.html", "environment")]),
                       ("Lab notes", [("lab/training_runs.html", "Every training run")])], entries


def test_lab_notes_have_their_own_sidebar_section(site):
    assert LAB, "no lab notes in nbs/lab/ (issue 33: the history goes there, shown under 'Lab notes')"
    for page in ("index.html", page_of(LAB[0])):
        sections = _sections((site / page).read_text())
        assert sections and sections[-1][0] == "Lab notes", f"{page}: the last sidebar section is not 'Lab notes': {sections}"
        assert sorted(sections[-1][1]) == sorted(page_of(nb) for nb in LAB), (page, sections[-1])


# ------------------------------------------------------------------ CI: each notebook executed once

def _write_nb(path: Path, *cells):
    "A notebook of `cells`, each ('code' | 'markdown', source)."
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) if kind == "code" else nbformat.v4.new_markdown_cell(src) for kind, src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "python3"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _execute(nbs: Path, dest: Path):
    code = ("import sys; from pathlib import Path; sys.path.insert(0, 'tools'); import docs_site; "
            f"docs_site.execute(n_workers=1, nbs=Path({str(nbs)!r}), dest=Path({str(dest)!r}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_notebook_tests_fail_naming_the_notebook_and_the_error(tmp_path):
    "The docs build's execute step is CI's notebook test step: a failing cell fails it and says where and what."
    nbs = tmp_path / "nbs"
    _write_nb(nbs / "01_good.ipynb", ("code", "x = 1 + 1"),
              ("code", "#| slow\nraise RuntimeError('slow cells are skipped, as in nbdev_test')"),
              ("code", "#| eval: false\nraise RuntimeError('so are eval: false cells')"), ("code", "x"))
    _write_nb(nbs / "02_bad.ipynb", ("markdown", "# Bad"), ("code", "assert 1 + 1 == 3, 'arithmetic is broken'"))
    _write_nb(nbs / "lab" / "notes.ipynb", ("markdown", "# Lab notes\n\nNo code here."))
    _write_nb(nbs / "old" / "03_notest.ipynb", ("code", "raise RuntimeError('a .notest file skips its folder')"))
    (nbs / "old" / ".notest").touch()
    out = _execute(nbs, tmp_path / "out")
    assert out.returncode != 0, out.stdout + out.stderr
    assert "notebook tests failed in 1 of 2 notebooks" in out.stderr, out.stderr
    assert "nbs/02_bad.ipynb: AssertionError: arithmetic is broken" in out.stderr, out.stderr
    assert "nbs/02_bad.ipynb failed" in out.stderr and "While Executing Cell #2" in out.stderr, out.stderr   # the traceback
    assert "executed 01_good.ipynb" in out.stdout and "FAILED   02_bad.ipynb" in out.stdout, out.stdout
    assert "not executed: lab/notes.ipynb (no code cells)" in out.stdout, out.stdout
    assert "not executed: old/03_notest.ipynb (a .notest file beside it)" in out.stdout, out.stdout

    (nbs / "02_bad.ipynb").unlink()
    out = _execute(nbs, tmp_path / "out")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 notebooks executed once each" in out.stdout and "all passed" in out.stdout, out.stdout
    import nbformat
    good = nbformat.read(tmp_path / "out" / "01_good.ipynb", as_version=4)
    assert good.cells[-1].outputs[0]["data"]["text/plain"] == "2"          # the outputs the site shows
    assert (tmp_path / "out" / "lab" / "notes.ipynb").exists()             # copied for the site, not run


def test_ci_executes_each_notebook_once():
    "`.ci/run` runs the notebooks once, in the docs build, which picks what nbdev_test picks (less code-less notebooks)."
    lines = [re.sub(r"(^|\s)#.*$", "", line) for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    script = "\n".join(lines)
    assert not re.search(r"\bnbdev_test\b", script), ".ci/run runs nbdev_test: the docs build executes every notebook again"
    assert len(re.findall(r"tools/docs_site\.py build\b", script)) == 1, "the docs build is CI's one notebook run"
    sys.path.insert(0, str(ROOT / "tools"))
    import docs_site
    from nbdev.doclinks import nbglob
    from nbdev.test import _keep_file
    picked_by_nbdev_test = {Path(f).resolve() for f in nbglob(NBS, as_path=True) if _keep_file(Path(f), ".notest")}
    run, skipped = docs_site.notebooks_to_test(NBS)
    assert {f.resolve() for f in run} | {f.resolve() for f in skipped} == picked_by_nbdev_test
    assert set(skipped.values()) <= {"no code cells", "skip_exec in its front matter"}, skipped
    numbered = {nb.resolve() for nb in notebooks() if re.match(r"\d", nb.name)}
    assert numbered and numbered <= {f.resolve() for f in run}, sorted(numbered - {f.resolve() for f in run})
