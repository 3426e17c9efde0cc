"""The explorer of ``kg serve`` driven in Debian's chromium (headless, through playwright), every
request to anything but the server refused: search (全总, quanzong), expand and collapse, N hops,
filters by province and date, the entity page and its article, the permalink, exports, and
markup shown as text."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from serve_helpers import MARKUP, markup_build, seed_build  # noqa: E402

from kg.export.html import wait_until  # noqa: E402

pytestmark = pytest.mark.slow


def _serve(store: Path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port),
                             "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "health", timeout=1)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read())
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("kg serve did not start")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    proc, url = _serve(seed_build(tmp_path_factory.mktemp("browser-seeds")))
    yield url
    proc.terminate()
    proc.wait(20)



class Tab:
    """A page on the server, every other request refused and every problem collected."""

    def __init__(self, browser, url: str, path: str = ""):
        self.url = url
        self.context = browser.new_context(viewport={"width": 1300, "height": 850}, accept_downloads=True)
        self.problems: list[str] = []
        self.context.route("**/*", self._gate)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        if path is not None:
            self.goto(path)

    def _gate(self, route):
        if route.request.url.startswith(self.url) or route.request.url.startswith(("blob:", "data:")):
            route.continue_()
        else:
            self.problems.append(f"blocked request: {route.request.url}")
            route.abort()

    def goto(self, path: str):
        self.page.goto(path if path.startswith("http") else self.url + path)
        if path in ("", "/") or path.startswith(("#", "/#")) or path.startswith(self.url + "#") or path == self.url:
            self.idle()

    def idle(self):
        wait_until(self.page, "() => window.kgReady === true && window.kgBusy() === 0")
        self.page.wait_for_timeout(150)
        wait_until(self.page, "() => window.kgBusy() === 0")

    def view(self) -> dict:
        return self.page.evaluate("() => kgView()")

    def labels(self, hidden=None) -> set[str]:
        return {n["label"] for n in self.view()["nodes"] if hidden is None or n["hidden"] == hidden}

    def search(self, text: str):
        self.page.fill("#kg-search", text)
        self.page.wait_for_selector("#kg-results li")
        self.idle()
        return self.page.locator("#kg-results li").all_inner_texts()

    def close(self):
        self.context.close()


def test_search_quanzong_opens_the_acftu(browser, site):
    tab = Tab(browser, site)
    for query in ("全总", "quanzong"):
        options = tab.search(query)
        assert "中华全国总工会" in options[0] and "工会 union" in options[0], options
        assert tab.page.get_attribute("#kg-search", "aria-expanded") == "true"
    options = tab.search("徐留平")
    assert "官员 official" in options[0] and "中华全国总工会" in options[0]  # kind and context
    tab.page.press("#kg-search", "Enter")
    tab.idle()
    view = tab.view()
    xu = next(n for n in view["nodes"] if n["label"] == "徐留平")
    assert view["selected"] == xu["id"] and "中华全国总工会" in tab.labels()
    assert "徐留平" in tab.page.inner_text("#kg-details")
    assert tab.page.get_attribute("#kg-status", "role") == "status"
    assert tab.problems == []
    tab.close()


def test_keyboard_only_search(browser, site):
    tab = Tab(browser, site)
    tab.page.click("#kg-graph")
    tab.page.keyboard.press("/")  # focuses the search box
    tab.page.keyboard.type("河南省")
    tab.page.wait_for_selector("#kg-results li")
    tab.idle()
    options = tab.page.locator("#kg-results li").all_inner_texts()
    second = options[1].split("（")[0]
    tab.page.keyboard.press("ArrowDown")
    assert tab.page.get_attribute("#kg-search", "aria-activedescendant") == "kg-option-1"
    tab.page.keyboard.press("Enter")
    tab.idle()
    selected = tab.view()["selected"]
    assert any(n["id"] == selected and n["label"] in second for n in tab.view()["nodes"])
    assert tab.problems == []
    tab.close()


def test_expand_collapse_and_hops(browser, site):
    tab = Tab(browser, site)
    tab.page.click("#kg-clear")
    tab.idle()
    assert tab.view()["nodes"] == []
    tab.search("河南省总工会")
    tab.page.press("#kg-search", "Enter")
    tab.idle()
    opened = tab.labels()
    assert {"河南省总工会", "中华全国总工会"} <= opened
    tab.page.click("#kg-collapse")
    tab.idle()
    assert tab.labels() == {"河南省总工会"}
    tab.page.click("#kg-expand")
    tab.idle()
    assert tab.labels() == opened
    tab.page.fill("#kg-hops", "2")
    tab.page.click("#kg-show-hops")
    tab.idle()
    assert len(tab.labels()) > len(opened) + 5 and {"北京市总工会", "徐留平"} <= tab.labels()
    boxes = tab.page.evaluate("() => KG.labelBoxes")
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):  # drawn labels never overlap
        for b in boxes[i + 1:]:
            assert not (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                        and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]), (a, b)
    assert tab.problems == []
    tab.close()


def test_filters_by_kind_province_and_date(browser, site):
    tab = Tab(browser, site)
    tab.page.fill("#kg-hops", "2")
    tab.page.click("#kg-show-hops")
    tab.idle()
    everything = tab.labels(hidden=False)
    assert {"河南省总工会", "北京市总工会", "徐留平"} <= everything
    tab.page.select_option("#kg-province", label="河南省")
    tab.idle()
    shown = tab.labels(hidden=False)
    assert "河南省总工会" in shown and "北京市总工会" not in shown and "中华全国总工会" not in shown
    tab.page.select_option("#kg-province", value="")
    tab.idle()
    assert tab.labels(hidden=False) == everything
    tab.page.fill("#kg-from", "2024-01-05")
    tab.page.fill("#kg-to", "2024-01-05")
    tab.page.dispatch_event("#kg-to", "change")
    tab.idle()
    on_the_5th = tab.labels(hidden=False)
    assert on_the_5th and on_the_5th < everything and "徐留平" not in on_the_5th
    tab.page.fill("#kg-from", "")
    tab.page.fill("#kg-to", "")
    tab.page.dispatch_event("#kg-to", "change")
    tab.idle()
    tab.page.uncheck("#kg-legend input[data-kind=union]")
    tab.idle()
    assert not any(n["kind"] == "union" and not n["hidden"] for n in tab.view()["nodes"])
    assert "徐留平" in tab.labels(hidden=False)
    assert tab.problems == []
    tab.close()


def test_entity_page_and_its_article(browser, site):
    tab = Tab(browser, site)
    tab.search("徐留平")
    tab.page.press("#kg-search", "Enter")
    tab.idle()
    tab.page.click("#kg-entity-link")
    tab.page.wait_for_selector("#entity-name")
    assert tab.page.inner_text("#entity-name") == "徐留平"
    assert "中华全国总工会" in tab.page.inner_text("main")
    tab.page.click("a.article-link >> nth=0")
    tab.page.wait_for_selector("#headline")
    marked = tab.page.locator("#article-text .mention").all_inner_texts()
    assert "徐留平" in marked and len(marked) > 3
    tab.page.click("#article-text a.mention >> text=徐留平")
    tab.page.wait_for_selector("#entity-name")
    assert tab.page.inner_text("#entity-name") == "徐留平"
    tab.page.click("#open-in-explorer")
    tab.idle()
    assert next(n["label"] for n in tab.view()["nodes"] if n["id"] == tab.view()["selected"]) == "徐留平"
    assert tab.problems == []
    tab.close()


def test_permalink_reopens_the_view(browser, site):
    tab = Tab(browser, site)
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.rstrip("/"))
    tab.search("广东省总工会")
    tab.page.press("#kg-search", "Enter")
    tab.idle()
    tab.page.select_option("#kg-province", label="广东省")
    tab.idle()
    tab.page.click("#kg-permalink")
    wait_until(tab.page, "() => window.kgPermalink !== undefined")
    link = tab.page.evaluate("() => window.kgPermalink")
    assert tab.page.evaluate("() => navigator.clipboard.readText()") == link
    before = tab.view()
    other = Tab(browser, site, None)
    other.goto(link)
    after = other.view()
    assert after["selected"] == before["selected"]
    assert sorted((n["id"], n["hidden"]) for n in after["nodes"]) == sorted((n["id"], n["hidden"]) for n in before["nodes"])
    assert other.page.input_value("#kg-province") == tab.page.input_value("#kg-province")
    assert tab.problems == [] and other.problems == []
    tab.close()
    other.close()


def test_png_and_csv_of_the_view(browser, site, tmp_path):
    tab = Tab(browser, site)
    with tab.page.expect_download() as png:
        tab.page.click("#kg-png")
    path = tmp_path / "view.png"
    png.value.save_as(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
    with tab.page.expect_download() as csv:
        tab.page.click("#kg-csv")
    text = Path(csv.value.path()).read_text("utf-8-sig")
    assert text.startswith("type,id,label,kind,from,to,relation") and "中华全国总工会" in text
    assert tab.problems == []
    tab.close()


def test_query_page_runs_a_ready_query(browser, site):
    tab = Tab(browser, site, "query")
    wait_until(tab.page, "() => document.querySelectorAll('#ready option').length > 5")
    tab.page.select_option("#ready", label=next(o for o in tab.page.locator("#ready option").all_inner_texts()
                                                 if o.startswith("union_hierarchy.rq")))
    assert "subOrganizationOf" in tab.page.input_value("#query-text")
    tab.page.click("#run")
    tab.page.wait_for_selector("#results table")
    assert "河南省总工会" in tab.page.inner_text("#results")
    assert tab.problems == []
    tab.close()


def test_markup_in_the_data_is_only_text(browser, tmp_path_factory):
    proc, url = _serve(markup_build(tmp_path_factory.mktemp("browser-markup")))
    try:
        tab = Tab(browser, url)
        options = tab.search("全总")
        assert MARKUP in options[0]
        tab.page.press("#kg-search", "Enter")
        tab.idle()
        assert MARKUP in tab.page.inner_text("#kg-details")
        tab.page.goto(url + "id/union/x-1")
        assert MARKUP in tab.page.inner_text("#entity-name")
        tab.page.goto(url + "id/article/p-001")
        assert MARKUP in tab.page.inner_text("#headline")
        tab.page.goto(url + "query")
        tab.page.fill("#query-text", "SELECT ?n { ?s skos:prefLabel ?n }")
        tab.page.click("#run")
        tab.page.wait_for_selector("#results table")
        assert MARKUP in tab.page.inner_text("#results")
        for page_path in ("", "id/union/x-1", "id/article/p-001"):
            tab.page.goto(url + page_path)
            tab.page.wait_for_timeout(300)
            assert tab.page.evaluate("() => document.querySelectorAll('main img, aside img, main b, main i, main u, "
                                     "#kg-details b, script:not([src])').length") == 0
        assert tab.problems == []
        tab.close()
    finally:
        proc.terminate()
        proc.wait(20)
