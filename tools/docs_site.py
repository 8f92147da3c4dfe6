#!/usr/bin/env python
"""Build the documentation site and README.md from the notebooks, without Quarto.

`nbdev_docs` needs Quarto, which cannot be installed on every machine that runs CI. This script does
what `nbdev_docs` does up to the point where Quarto takes over, with nbdev's own code, and renders the
result with nbconvert instead:

1. **execute** every notebook in `nbs/` (recursively, tutorials included) the way `nbdev_test` does:
   in its own folder, skipping cells flagged with `settings.ini`'s `tst_flags` (`slow`) and
   `#| eval: false`, and the notebooks `nbdev_test` skips (a `.notest` file beside them, `skip_exec`
   in their front matter); the outputs go to a staging copy (`_build/nbs`), never into git. This step
   *is* the notebook tests in CI (`.ci/run` runs no separate `nbdev_test`, so each notebook executes
   once): a cell that raises stops its notebook, and the build exits non-zero naming every failing
   notebook and its error. Notebooks without code (the lab notes in `nbs/lab/`) are copied, not run;
2. **process** the staging copy with nbdev's docs pre-processing: `nbdev_sidebar` (the navigation,
   generated from the files present) and `nbdev.serve.proc_nbs` (front matter, `show_doc` for every
   exported name, doc-time cells, hidden/exported cells removed, backticked names linked);
3. **render** each processed notebook with nbconvert into one HTML page (named like Quarto names it:
   `02_model.ipynb` → `model.html`) inside one shared layout whose sidebar comes from `sidebar.yml`
   (one section per folder; `nbs/lab/` is the last one, "Lab notes").

Maths (`$...$`) becomes MathML, which browsers draw natively, so the site needs no CDN: every page
works offline from `python -m http.server`.

`readme` turns `nbs/index.ipynb` into `README.md` with the same nbdev processing (what `nbdev_readme`
does, with nbconvert's Markdown exporter in place of `quarto render -t gfm`); links relative to `nbs/`
are rewritten relative to the repository root so the README works on GitHub.

    python tools/docs_site.py build [--out _site]    # execute (= the notebook tests) + process + render
    python tools/docs_site.py readme                  # README.md from nbs/index.ipynb
    python tools/docs_site.py execute --inplace       # outputs into nbs/ for nbdev_docs (CI's deploy job only)
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = ROOT / "_build" / "nbs"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_re_ansi = re.compile(r"\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])")
# the sidebar's section for a folder of nbs/, when not the folder's name; sections listed in LAST_SECTIONS come last
SECTION_TITLES = {"lab": "Lab notes"}
LAST_SECTIONS = ("lab",)


def _cfg():
    from nbdev.config import get_config
    return get_config(path=ROOT)


def _notebooks(path: Path) -> list[Path]:
    "The notebooks nbdev sees under `path` (recursive, skipping `_`/`.` folders), sorted."
    from nbdev.doclinks import nbglob
    return sorted(nbglob(path, as_path=True))


def page_name(nb: Path) -> str:
    "Where Quarto (and this script) puts the page of notebook `nb` (a path relative to `nbs/`)."
    from nbdev.doclinks import _nbpath2html
    return _nbpath2html(Path(nb)).as_posix()


# ---------------------------------------------------------------- 1. execute

def _has_code(nb) -> bool:
    return any(c.cell_type == "code" and c.source.strip() for c in nb.cells)


def notebooks_to_test(nbs: Path) -> tuple[list[Path], dict[Path, str]]:
    """The notebooks under `nbs` that the tests execute, and why each other one is only copied.

    The same choice as `nbdev_test` (its `nbglob`, `.notest` files, `skip_exec` front matter, Python
    notebooks only), less the notebooks with no code cell at all: running those would test nothing."""
    from execnb.nbio import read_nb
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor, nb_lang
    from nbdev.test import _keep_file
    from fastcore.basics import str2bool
    run, skipped = [], {}
    for f in _notebooks(nbs):
        if not _keep_file(f, ".notest"): skipped[f] = "a .notest file beside it"; continue
        nb = NBProcessor(f, procs=FrontmatterProc, process=True).nb
        if str2bool(getattr(nb, "frontmatter_", {}).get("skip_exec", False)): skipped[f] = "skip_exec in its front matter"
        elif nb_lang(nb) != "python": skipped[f] = f"a {nb_lang(nb)} notebook"
        elif not _has_code(read_nb(f)): skipped[f] = "no code cells"
        else: run.append(f)
    return run, skipped


def _execute_one(src: Path, dst: Path, skip_flags: list[str]):
    "Run `src` like `nbdev_test` does and write it, with its outputs, to `dst`. Returns (ok, secs, traceback, error)."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.process import extract_directives
    os.environ["IN_TEST"] = "1"
    if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
    # n_workers notebooks run at once: one torch/OpenMP thread each. Oversubscribed cores make torch
    # 5-10x slower on a busy 2-core machine (measured), and the outputs do not depend on it.
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = "1"
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError: pass
    nb = read_nb(src)
    flags = set(skip_flags)

    def skip(cell):                                      # nbdev_test's _no_eval
        if cell.cell_type != "code": return True
        if "nbdev_export" + "(" in cell.source: return True
        d = extract_directives(cell, remove=False)
        if d.get("eval:", [""])[0].lower() == "false": return True
        return bool(flags & d.keys())

    start = time.time()
    k = CaptureShell(src)
    try:
        with working_directory(src.parent): k.run_all(nb, exc_stop=True, preproc=skip)
    except Exception as e:
        exc = k.exc or e
        msg = _re_ansi.sub("", f"{type(exc).__name__}: {exc}".strip()).splitlines()
        return False, time.time() - start, k.prettytb(fname=src), (msg[0][:300] if msg else type(exc).__name__)
    dst.parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, dst)
    return True, time.time() - start, "", ""


def execute(n_workers: int = 2, inplace: bool = False, nbs: Path | None = None, dest: Path | None = None) -> Path:
    """Copy `nbs` (default: the project's `nbs/`) to `dest` (default: the staging folder) and execute the notebooks
    of `notebooks_to_test` into it (or, `inplace`, into `nbs` itself). Exits non-zero, naming each failing notebook and its
    error, if any cell raises: this is the notebook test step of CI."""
    from fastcore.parallel import parallel
    cfg = _cfg()
    nbs = Path(nbs or cfg.nbs_path)
    dest = nbs if inplace else Path(dest or STAGE)
    if not inplace:
        if dest.exists(): shutil.rmtree(dest)
        skip = lambda d, names: [n for n in names if n in (".ipynb_checkpoints", "__pycache__", "sidebar.yml")]
        shutil.copytree(nbs, dest, ignore=skip)
    files, skipped = notebooks_to_test(nbs)
    if not files: raise SystemExit(f"no notebooks to execute in {nbs}")
    rel = lambda f: f.relative_to(nbs).as_posix()
    jobs = [(f, dest / f.relative_to(nbs)) for f in files]
    results = parallel(_execute_one_star, jobs, skip_flags=cfg.tst_flags.split(), n_workers=n_workers, pause=0.01)
    failed = [(src, tb, err) for (src, _), (ok, _, tb, err) in zip(jobs, results) if not ok]
    for (src, _), (ok, secs, _, _) in sorted(zip(jobs, results), key=lambda o: -o[1][1]):
        print(f"  {'executed' if ok else 'FAILED  '} {rel(src)} in {secs:.0f} s")
    for f, why in skipped.items(): print(f"  not executed: {rel(f)} ({why})")
    if failed:
        for src, tb, _ in failed: sys.stderr.write(f"\nnbs/{rel(src)} failed (notebook tests):\n{tb}\n")
        raise SystemExit(f"notebook tests failed in {len(failed)} of {len(files)} notebooks:\n"
                         + "\n".join(f"  nbs/{rel(src)}: {err}" for src, _, err in failed))
    print(f"== notebook tests: {len(files)} notebooks executed once each (cells flagged {cfg.tst_flags} skipped), "
          f"all passed; {len(skipped)} not executed")
    return dest


def _execute_one_star(job, skip_flags):
    return _execute_one(*job, skip_flags=skip_flags)


# ---------------------------------------------------------------- 2. process (nbdev)

def process(stage: Path, n_workers: int = 2) -> Path:
    "nbdev's docs pre-processing of `stage`, as in `nbdev_docs` before it calls Quarto. Returns `_proc`."
    from nbdev.quarto import nbdev_sidebar, refresh_quarto_yml
    from nbdev.serve import proc_nbs
    refresh_quarto_yml()                                 # nbs/nbdev.yml from settings.ini (+ _quarto.yml if missing)
    for name in ("nbdev.yml", "_quarto.yml"): shutil.copy2(_cfg().nbs_path / name, stage / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbdev_sidebar.__wrapped__(path=stage)             # stage/sidebar.yml from the notebooks present
    # proc_nbs runs in spawned workers: silence nbdev's "cells containing imports and other code" advice there
    # (and, as in `execute`, one torch/OpenMP thread per worker)
    keys = ("PYTHONWARNINGS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    old = {k: os.environ.get(k) for k in keys}
    os.environ.update(PYTHONWARNINGS="ignore::UserWarning", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try: return proc_nbs(stage, n_workers=n_workers, force=True)
    finally:
        for k, v in old.items():
            if v is None: os.environ.pop(k, None)
            else: os.environ[k] = v


# ---------------------------------------------------------------- 3. render (nbconvert)

_re_fm = re.compile(r"^---\s*\n(.*?)\n---\s*$", re.DOTALL)
_re_quarto_opt = re.compile(r"^\s*#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")


def front_matter(nb) -> dict:
    import yaml
    for c in nb.cells:
        if c.cell_type == "raw":
            m = _re_fm.match(c.source.strip())
            if m: return yaml.safe_load(m.group(1)) or {}
    return {}


def _cell_options(cell) -> dict:
    "Strip the Quarto `#| key: value` lines nbdev leaves at the top of a code cell; return them."
    lines, opts = cell.source.splitlines(), {}
    while lines and _re_quarto_opt.match(lines[0]):
        k, v = _re_quarto_opt.match(lines.pop(0)).groups()
        opts[k] = v.strip("\"'").lower()
    cell.source = "\n".join(lines)
    return opts


# maths -> MathML, protected from the Markdown parser by placeholders
_re_fence = re.compile(r"(^```.*?^```[ \t]*$|`[^`\n]+`)", re.DOTALL | re.MULTILINE)
_re_display = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_re_inline = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")


def _mathml(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert
    try: return convert(tex.strip(), display="block" if display else "inline")
    except Exception as e:
        warnings.warn(f"could not convert TeX {tex!r} to MathML ({e}); shown as code")
        return f"<code>{html.escape(tex)}</code>"


def protect_math(md: str, store: list) -> str:
    "Replace `$$..$$`/`$..$` outside code with placeholders; their MathML goes to `store`."
    def sub(m, display):
        store.append(_mathml(m.group(1), display))
        return f"MATHPLACEHOLDER{len(store) - 1}X"
    parts = _re_fence.split(md)
    for i in range(0, len(parts), 2):
        parts[i] = _re_inline.sub(lambda m: sub(m, False), _re_display.sub(lambda m: sub(m, True), parts[i]))
    return "".join(parts)


def restore_math(body: str, store: list) -> str:
    body = re.sub(r"<p>\s*MATHPLACEHOLDER(\d+)X\s*</p>", lambda m: store[int(m.group(1))], body)
    return re.sub(r"MATHPLACEHOLDER(\d+)X", lambda m: store[int(m.group(1))], body)


_re_pandoc_link = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)\{[^}]*\}")


def _prepare(nb) -> None:
    "Turn a processed notebook into what nbconvert should show: Quarto cell options applied, widgets explained."
    cells = []
    for c in nb.cells:
        if c.cell_type == "raw": continue                  # front matter: shown as the page header
        if c.cell_type == "code":
            opts = _cell_options(c)
            if opts.get("include") == "false": continue
            if opts.get("output") == "false": c.outputs = []
            if opts.get("echo") == "false": c.metadata.setdefault("tags", []).append("remove_input")
            c.outputs = [o for o in c.get("outputs", []) if o.get("output_type") != "stream"
                         or _re_ansi.sub("", "".join(o.get("text", ""))).strip()]
            for o in c.outputs:
                if o.get("output_type") == "stream": o["text"] = _re_ansi.sub("", "".join(o["text"])).replace("\r", "")
                md = o.get("data", {}).get("text/markdown")
                if md:                                     # show_doc's Pandoc link attributes: plain HTML instead
                    md = "".join(md) if isinstance(md, list) else md
                    o["data"]["text/markdown"] = _re_pandoc_link.sub(
                        r'<a href="\2" class="source-link" target="_blank" rel="noopener">\1</a>', md)
                if WIDGET_MIME in o.get("data", {}):
                    o["data"] = {"text/html": "<p class='widget-note'>An interactive ipywidgets app is shown here "
                                              "when the notebook runs in Jupyter (a static page has no kernel to "
                                              "drive it).</p>"}
            if not c.source.strip() and not c.get("outputs"): continue
        cells.append(c)
    nb.cells = cells
    nb.metadata.pop("widgets", None)


def _rewrite_url(url: str, page_dir: str, doc_prefix: str) -> str:
    "Notebook links → their pages; links to the published site → relative links."
    if doc_prefix and url.startswith(doc_prefix):
        depth = page_dir.count("/") + 1 if page_dir else 0
        url = "../" * depth + url[len(doc_prefix):].lstrip("/")
    if re.match(r"^[a-z]+:|^#|^//", url): return url
    path, frag = (url.split("#", 1) + [""])[:2]
    if path.endswith(".ipynb"):
        p = Path(path)
        path = (p.parent / page_name(Path(p.name))).as_posix() if p.parent != Path(".") else page_name(p)
    return path + ("#" + frag if frag else "")


_FA_CSS = """
/* matplotlib's animation controls use Font Awesome icons from a CDN; draw them with text instead */
.animation .fa { font-style: normal; display: inline-block; min-width: 1em; }
.fa-play:before { content: "\\25B6"; } .fa-pause:before { content: "\\275A\\275A"; font-size: .8em; }
.fa-step-forward:before { content: "\\25B6\\2759"; } .fa-step-backward:before { content: "\\2759\\25C0"; }
.fa-fast-forward:before { content: "\\25B6\\25B6\\2759"; } .fa-fast-backward:before { content: "\\2759\\25C0\\25C0"; }
.fa-plus:before { content: "+"; } .fa-minus:before { content: "\\2212"; }
.fa-flip-horizontal { transform: scaleX(-1); }
"""

_SITE_CSS = """
:root { --fg: #222; --muted: #666; --accent: #2780e3; --border: #e3e3e3; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); display: flex; }
#sidebar { width: 250px; position: fixed; top: 0; bottom: 0; left: 0; border-right: 1px solid var(--border); padding: 1.2rem 1rem; background: #fafafa; overflow-y: auto; }
#sidebar .site-title { font-weight: 700; font-size: 1.15rem; display: block; margin-bottom: 1rem; color: var(--fg); text-decoration: none; }
#sidebar ul { list-style: none; padding: 0; margin: 0 0 .6rem 0; }
#sidebar li a { display: block; padding: .18rem .4rem; border-radius: 4px; color: #333; text-decoration: none; font-size: .92rem; }
#sidebar li a:hover { background: #eef4fc; }
#sidebar li a[aria-current="page"] { background: var(--accent); color: white; }
#sidebar .section { font-size: .78rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: .8rem 0 .3rem .4rem; }
main { flex: 1; min-width: 0; max-width: 980px; margin-left: 250px; padding: 1.5rem 2.5rem 4rem; }
.source-link { float: right; font-size: .8rem; }
header.page h1 { margin: .2rem 0 .3rem; font-size: 2rem; }
header.page .description { color: var(--muted); font-size: 1.1rem; margin: 0 0 1.5rem; }
a { color: var(--accent); }
img { max-width: 100%; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--border); padding: .3rem .6rem; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; border: 1px solid var(--border); border-radius: 5px; padding: .7rem .9rem; overflow-x: auto; font-size: .86rem; line-height: 1.4; }
code { font-size: .88em; }
.cell { margin: .6rem 0; }
.output_area pre, .output_subarea pre { background: white; border-style: dashed; }
.output_subarea { overflow-x: auto; }
.prompt { display: none; }
.anchor-link { visibility: hidden; margin-left: .3rem; text-decoration: none; }
h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link, h4:hover .anchor-link { visibility: visible; }
blockquote { border-left: 4px solid var(--border); margin: .6rem 0; padding: .1rem 1rem; color: #444; }
.widget-note { color: var(--muted); font-style: italic; }
.output_stderr pre { background: #fff6f6; }
hr { border: none; border-top: 1px solid var(--border); margin: 2rem 0 1rem; }
footer { color: var(--muted); font-size: .82rem; margin-top: 3rem; border-top: 1px solid var(--border); padding-top: .6rem; }
@media (max-width: 800px) { body { display: block; } #sidebar { width: auto; position: static; } main { margin-left: 0; padding: 1rem; } }
"""


def _nav_html(entries, current: str) -> str:
    "The sidebar: `entries` is [(section or None, [(page, title)])]; links are relative to `current`."
    up = "../" * current.count("/")
    out = [f'<a class="site-title" href="{up}index.html">{html.escape(_cfg().title)}</a>']
    for section, pages in entries:
        if section: out.append(f'<div class="section">{html.escape(section)}</div>')
        out.append("<ul>")
        for page, title in pages:
            cur = ' aria-current="page"' if page == current else ""
            out.append(f'<li><a href="{up}{page}"{cur}>{html.escape(title)}</a></li>')
        out.append("</ul>")
    return "\n".join(out)


def _sidebar_entries(proc: Path, titles: dict) -> list:
    "Navigation from nbdev's sidebar.yml: [(section, [(page, title)])] in nbdev's order."
    import yaml
    contents = yaml.safe_load((proc / "sidebar.yml").read_text())["website"]["sidebar"]["contents"]
    top, groups = [], []

    def item(p):
        p = Path(p)
        return page_name(p.parent / p.name) if p.suffix == ".ipynb" else None

    def walk(items, into):
        for it in items:
            if isinstance(it, dict):
                sub = []
                groups.append((it["section"], sub))
                if "href" in it: sub.append((item(it["href"]), titles.get(item(it["href"]), it["section"])))
                walk(it.get("contents", []), sub)
            else:
                page = item(it)
                if page: into.append((page, titles.get(page, Path(page).stem)))
    walk(contents, top)
    groups.sort(key=lambda g: g[0] in LAST_SECTIONS)        # stable: nbdev's order, the lab notes last
    return [(None, top)] + [(SECTION_TITLES.get(name, name.replace("_", " ")), pages) for name, pages in groups]


def _add_lower_ids(body: str) -> str:
    "nbdev links symbols as `page.html#name` in lower case; nbconvert keeps the heading's case. Add both."
    def fix(m):
        tag, ident = m.group(1), m.group(2)
        low = ident.lower()
        return m.group(0) if low == ident else f'<span id="{low}"></span>{m.group(0)}'
    return re.sub(r'<(h[1-6]) id="([^"]+)"', fix, body)


def render(proc: Path, out: Path) -> list[str]:
    "Render every processed notebook in `proc` to a page in `out`; returns the pages written."
    import nbformat
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter
    from traitlets.config import Config
    cfg = _cfg()
    doc_prefix = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip("/") + "/"
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    nbs = {p.relative_to(proc): nbformat.read(p, as_version=4) for p in sorted(proc.rglob("*.ipynb"))
           if not any(part.startswith((".", "_")) for part in p.relative_to(proc).parts)}
    pages, titles = {}, {}
    for rel, nb in nbs.items():
        fm = front_matter(nb)
        page = (rel.parent / fm.get("output-file", page_name(rel.name))).as_posix() if rel.parent != Path(".") \
            else fm.get("output-file", page_name(rel))
        pages[rel], titles[page] = (page, fm), fm.get("title", rel.stem)
    nav = _sidebar_entries(proc, titles)
    in_nav = {p for _, ps in nav for p, _ in ps}
    missing = sorted(set(titles) - in_nav)
    if missing: nav.append(("other pages", [(p, titles[p]) for p in missing]))

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    exporter = HTMLExporter(config=c, template_name="basic")
    css = _SITE_CSS + HtmlFormatter(style="default").get_style_defs(".highlight") + _FA_CSS
    (out / "site.css").write_text(css)
    for rel, nb in nbs.items():
        page, fm = pages[rel]
        _prepare(nb)
        store = []
        for cell in nb.cells:
            if cell.cell_type == "markdown": cell.source = protect_math(cell.source, store)
        body, _ = exporter.from_notebook_node(nb)
        body = restore_math(body, store)
        page_dir = str(Path(page).parent) if "/" in page else ""
        body = re.sub(r'(href|src)="([^"]*)"',
                      lambda m: f'{m.group(1)}="{html.escape(_rewrite_url(html.unescape(m.group(2)), page_dir, doc_prefix))}"', body)
        body = re.sub(r'<link[^>]*font-awesome[^>]*>', "", body)   # matplotlib's CDN icons: drawn by _FA_CSS instead
        body = _add_lower_ids(body)
        title, desc = fm.get("title", rel.stem), fm.get("description", "")
        up = "../" * page.count("/")
        doc = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – {html.escape(cfg.title)}</title>
<meta name="description" content="{html.escape(desc)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{up}site.css">
</head>
<body>
<nav id="sidebar" aria-label="notebooks">
{_nav_html(nav, page)}
</nav>
<main>
<header class="page"><h1 class="title">{html.escape(title)}</h1>{f'<p class="description">{html.escape(desc)}</p>' if desc else ''}</header>
{body}
<footer>Built from <code>nbs/{rel.as_posix()}</code> with nbdev's docs processing and nbconvert.</footer>
</main>
</body>
</html>
"""
        dest = out / page
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(doc)
    for f in proc.rglob("*"):                            # pictures and other files the pages refer to
        r = f.relative_to(proc)
        if f.is_file() and f.suffix not in (".ipynb", ".yml", ".py") and not any(p.startswith((".", "_")) for p in r.parts):
            (out / r).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, out / r)
    return sorted(p for p, _ in pages.values())


def build(out: Path, n_workers: int = 2) -> None:
    os.chdir(ROOT)
    t0 = time.time()
    print("== notebook tests: executing every notebook once, as nbdev_test does (slow cells skipped); "
          "the site is built from their outputs")
    stage = execute(n_workers)
    t1 = time.time()
    print(f"== docs: nbdev processing (nbdev_sidebar + proc_nbs) [{t1 - t0:.0f} s so far]")
    proc = process(stage, n_workers)
    t2 = time.time()
    print(f"== docs: rendering with nbconvert [{t2 - t0:.0f} s so far]")
    pages = render(proc, out)
    (out / ".build-stamp").write_text(f"{time.time()}\n")
    print(f"== docs: {len(pages)} pages in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} "
          f"(execute {t1 - t0:.0f} s, process {t2 - t1:.0f} s, render {time.time() - t2:.0f} s)")
    for p in pages: print(f"   {p}")


# ---------------------------------------------------------------- README

def readme() -> Path:
    "README.md from nbs/index.ipynb: nbdev's processing (as `nbdev_readme`), then nbconvert's Markdown."
    from execnb.nbio import read_nb
    from nbconvert import MarkdownExporter
    from nbdev.processors import FilterDefaults
    import nbformat
    os.chdir(ROOT)
    cfg = _cfg()
    src = cfg.nbs_path / cfg.get("readme_nb", "index.ipynb")
    nb = read_nb(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        FilterDefaults()(nb)
    from execnb.nbio import nb2str
    node = nbformat.reads(nb2str(nb), as_version=4)
    fm = front_matter(node)
    _prepare(node)
    for cell in node.cells:                             # quarto's gfm output has no input for echo: false
        if "remove_input" in cell.metadata.get("tags", []): cell.source = ""
    exporter = MarkdownExporter()
    exporter.exclude_input_prompt = exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(node)
    nbs_rel = cfg.nbs_path.relative_to(cfg.config_path).as_posix()
    doc_prefix = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip("/") + "/"
    pages = {page_name(p.relative_to(cfg.nbs_path)): p.relative_to(cfg.config_path).as_posix()
             for p in _notebooks(cfg.nbs_path)}

    def fix(url):
        if url.startswith(doc_prefix):                   # a symbol's docs page → its notebook in the repo
            path, frag = (url[len(doc_prefix):].split("#", 1) + [""])[:2]
            return pages.get(path, url)
        if re.match(r"^[a-z]+:|^#|^/", url): return url
        return f"{nbs_rel}/{url}"
    body = re.sub(r"\]\(([^)\s]+)\)", lambda m: f"]({fix(m.group(1))})", body)
    body = re.sub(r'(src|href)="([^"]+)"', lambda m: f'{m.group(1)}="{fix(m.group(2))}"', body)
    head = f"# {fm.get('title', cfg.title)}\n\n"
    if fm.get("description"): body = body.replace("<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->",
                                                  "<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->\n\n"
                                                  f"> {fm['description']}", 1)
    text = head + re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    dest = cfg.config_path / "README.md"
    dest.write_text(text)
    return dest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="execute (the notebook tests: exit 1 naming each failing notebook), process and "
                                     "render the notebooks into an HTML site")
    b.add_argument("--out", default=str(ROOT / "_site"), help="output folder (default: _site)")
    b.add_argument("--n-workers", type=int, default=2)
    e = sub.add_parser("execute", help="only execute the notebooks (into _build/nbs, or with --inplace into nbs/ "
                                       "so that nbdev_docs/Quarto renders their outputs; never commit those)")
    e.add_argument("--inplace", action="store_true")
    e.add_argument("--n-workers", type=int, default=2)
    sub.add_parser("readme", help="write README.md from nbs/index.ipynb")
    a = ap.parse_args(argv)
    os.chdir(ROOT)
    if a.cmd == "build": build(Path(a.out).resolve(), a.n_workers)
    elif a.cmd == "execute": print(f"executed into {execute(a.n_workers, a.inplace).relative_to(ROOT)}")
    else: print(f"wrote {readme().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    # run as a script: import this file as a module so worker processes can find its functions
    sys.path.insert(0, str(Path(__file__).parent))
    import docs_site
    sys.exit(docs_site.main())
