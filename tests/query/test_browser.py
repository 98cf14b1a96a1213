"""The explorer page in a real headless browser (Debian's chromium driven by
Selenium through the system chromedriver): type a query, run it, see the
rows and the graph (drawn by vis-network), find a node, zoom, open an
entity's page, download the results, and keep screenshots."""

from __future__ import annotations

import itertools
import math
import os
import shutil
import urllib.parse

import pytest

from kg.draw import CLASS_COLOURS, RELATION_STYLES
from kg.model import ENTITY

pytestmark = pytest.mark.browser

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SUPPLIERS = "SELECT ?supplier ?customer WHERE { ?supplier kg:supplies ?customer }"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
    except ImportError:
        webdriver = None
    if not (CHROMIUM and CHROMEDRIVER and webdriver):
        message = ("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver) "
                   "and selenium (pip install selenium)")
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run it, never skip it
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # an explicit driver path: Selenium Manager never downloads anything
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def news_endpoint():
    """An endpoint over the shipped graph of the news, big enough for a 60-node answer."""
    from kg.server import Limits, running_server

    with running_server(None, Limits(timeout=10, workers=1)) as url:
        yield url


def wait_for(driver, condition, timeout=20):
    """Poll ``condition(driver)`` until it is true; the page re-renders its
    table and graph, so elements read mid-render are simply read again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    waiter = WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))
    return waiter.until(condition)


def graph(driver) -> dict | None:
    """The drawn graph once vis-network has laid it out: its nodes (with
    their drawing options) and edges, as the page's network holds them."""
    return driver.execute_script("""
        if (!window.explorerGraph || document.getElementById("graph").dataset.ready !== "true") return null;
        const {network, nodes, edges} = window.explorerGraph;
        return {nodes: nodes.get(), edges: edges.get(),
                positions: network.getPositions(), scale: network.getScale(), selected: network.getSelectedNodes()};
    """)


def drawn(driver, count):
    """Wait for a graph of ``count`` nodes and give it."""
    return wait_for(driver, lambda d: (g := graph(d)) is not None and len(g["nodes"]) == count and g)


def cells(driver):
    from selenium.webdriver.common.by import By

    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#result-table tbody td")]


def run_text(driver, text):
    from selenium.webdriver.common.by import By

    editor = driver.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(text)
    driver.find_element(By.ID, "run").click()


def search(driver, text):
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "graph-search")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.CSS_SELECTOR, "#search button[type=submit]").click()


def test_type_a_query_see_rows_graph_and_evidence(browser, endpoint, tmp_path, record_property):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{endpoint}/")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#saved option")) > 11)
    run_text(browser, SUPPLIERS)

    rows = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#result-table tbody tr"))
    assert len(rows) == 3
    first = rows[0].find_elements(By.TAG_NAME, "td")[0]
    assert first.text.startswith("entity:")
    assert first.find_element(By.TAG_NAME, "a").get_attribute("href").startswith(f"{endpoint}/entity/")
    shown = drawn(browser, 4)
    assert {n["id"] for n in shown["nodes"]} == {str(ENTITY[name]) for name in ("acme-cloud", "globex", "initech", "umbrella")}
    assert [e["label"] for e in shown["edges"]] == ["supplies"] * 3
    # kg draw's colours: every organisation in its class colour, every edge in its relation's, hovered or not
    assert {n["color"]["background"] for n in shown["nodes"]} == {CLASS_COLOURS["Organization"]}
    supplies = RELATION_STYLES["supplies"][0]
    assert all(e["color"] == {"color": supplies, "highlight": supplies, "hover": supplies, "inherit": False}
               for e in shown["edges"])

    search(browser, "initech")
    wait_for(browser, lambda d: "Globex supplies Initech and partners with Acme." in d.find_element(By.ID, "details").text)
    assert graph(browser)["selected"] == [str(ENTITY["initech"])]
    details = browser.find_element(By.ID, "details").text
    assert "Initech (Organization)" in details and "example-2.txt" in details
    screenshot = tmp_path / "explorer.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
    record_property("screenshot", str(screenshot))
    print(f"screenshot: {screenshot}")

    Select(browser.find_element(By.ID, "saved")).select_by_value("partners")
    browser.find_element(By.CSS_SELECTOR, 'input[data-param="company"]').send_keys("Acme")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: cells(d) == ["Globex", "1"])
    # the company the query is about is drawn too, in the middle
    assert {n["label"] for n in drawn(browser, 2)["nodes"]} == {"Acme Corp", "Globex"}

    run_text(browser, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 60")
    wait_for(browser, lambda d: "rows" in d.find_element(By.ID, "status").text and len(cells(d)) == 50 * 3)

    # the saved query's parameter box still says Acme: it must not leak into a query without ?company
    run_text(browser, "SELECT ?s ?o WHERE { ?s kg:partnerOf ?o ; kg:competesWith ?x }")
    drawn(browser, 2)
    # the page's Content-Security-Policy let everything it loads run: nothing was refused
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []


def test_a_saved_query_runs_from_its_url_with_its_entity_in_the_centre(browser, endpoint):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    # the company by its local name, as a link may give it
    browser.get(f"{endpoint}/?saved=competitors&param-company=acme-corp")
    wait_for(browser, lambda d: cells(d) == ["Initech", "1"])
    shown = drawn(browser, 2)
    centre, other = str(ENTITY["acme-corp"]), str(ENTITY["initech"])
    assert {n["id"] for n in shown["nodes"]} == {centre, other}
    assert shown["positions"][centre] == {"x": 0, "y": 0}
    sizes = {n["id"]: n["size"] for n in shown["nodes"]}
    assert sizes[centre] > sizes[other]
    assert browser.find_element(By.ID, "saved").get_attribute("value") == "competitors"

    # a query run from the page is written into its URL, and that URL runs it again
    Select(browser.find_element(By.ID, "saved")).select_by_value("customers")
    browser.find_element(By.CSS_SELECTOR, 'input[data-param="company"]').send_keys("Globex")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: cells(d) == ["Initech", "1"] and "customers" in d.current_url)
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(browser.current_url).query)
    assert state == {"saved": ["customers"], "param-company": ["Globex"]}
    link = browser.current_url
    browser.get(f"{endpoint}/")
    browser.get(link)
    wait_for(browser, lambda d: cells(d) == ["Initech", "1"])
    assert {n["label"] for n in drawn(browser, 2)["nodes"]} == {"Globex", "Initech"}


def test_find_a_node_zoom_and_open_an_entity_page(browser, endpoint):
    from selenium.webdriver.common.by import By

    browser.get(f"{endpoint}/?" + urllib.parse.urlencode({"query": SUPPLIERS}))
    before = drawn(browser, 4)
    browser.find_element(By.ID, "zoom-in").click()
    assert graph(browser)["scale"] > before["scale"]
    browser.find_element(By.ID, "zoom-out").click()
    browser.find_element(By.ID, "zoom-out").click()
    assert graph(browser)["scale"] < before["scale"]

    search(browser, "umbrel")
    wait_for(browser, lambda d: graph(d)["selected"] == [str(ENTITY["umbrella"])])
    search(browser, "Hooli")
    wait_for(browser, lambda d: d.find_element(By.ID, "search-status").text == "no node is called Hooli")

    browser.find_element(By.CSS_SELECTOR, f'#result-table a[href$="/entity/acme-cloud"]').click()
    wait_for(browser, lambda d: d.find_element(By.ID, "entity-name").text == "Acme Cloud")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#entity-facts tbody tr"))
    card = browser.find_element(By.ID, "entity-card").text
    assert str(ENTITY["acme-cloud"]) in card and "Organization" in card
    relations = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#entity-relations li")]
    assert "Acme Cloud subsidiaryOf Acme Corp Acme CEO Jane Roe said Acme Cloud will supply Globex. (example-1.txt)" \
        in relations
    facts = [tr.text for tr in browser.find_elements(By.CSS_SELECTOR, "#entity-facts tbody tr")]
    assert len(facts) == 5  # the facts kg query facts gives for it
    assert facts[0] == ("revenue 10000000000 CNY 2025-04/2025-06 "
                        "Acme Cloud revenue rose 21% to 10 billion yuan in the June quarter. (example-1.txt)")

    # a symmetric relation is stored both ways: its sentence is listed once
    browser.find_element(By.CSS_SELECTOR, '#entity-relations a[href$="/entity/acme-corp"]').click()
    wait_for(browser, lambda d: d.find_element(By.ID, "entity-name").text == "Acme Corp"
             and d.find_elements(By.CSS_SELECTOR, "#entity-relations li"))
    relations = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#entity-relations li")]
    assert sum("competesWith" in r for r in relations) == 1
    assert "Acme" in browser.find_element(By.ID, "entity-card").text  # its alias


def test_sort_the_columns_and_download_csv_and_json(browser, endpoint, tmp_path):
    import json

    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(f"{endpoint}/?" + urllib.parse.urlencode({"query": SUPPLIERS + " ORDER BY ?supplier"}))
    wait_for(browser, lambda d: len(cells(d)) == 6)
    suppliers = cells(browser)[::2]
    header = browser.find_element(By.XPATH, "//th[button[text()='supplier']]")
    header.find_element(By.TAG_NAME, "button").click()
    assert header.get_attribute("aria-sort") == "ascending" and cells(browser)[::2] == sorted(suppliers)
    header.find_element(By.TAG_NAME, "button").click()
    assert header.get_attribute("aria-sort") == "descending" and cells(browser)[::2] == sorted(suppliers, reverse=True)

    browser.find_element(By.ID, "download-csv").click()
    csv_file = tmp_path / "result.csv"
    wait_for(browser, lambda d: csv_file.exists() and csv_file.stat().st_size > 0)
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "supplier,customer" and len(lines) == 4
    assert lines[1] == f"{ENTITY['acme-cloud']},{ENTITY['globex']}"

    browser.find_element(By.ID, "download-json").click()
    json_file = tmp_path / "result.json"
    wait_for(browser, lambda d: json_file.exists() and json_file.stat().st_size > 0)
    assert json.loads(json_file.read_text(encoding="utf-8"))["head"]["vars"] == ["supplier", "customer"]


def test_errors_show_the_parser_message_and_mark_its_place(browser, endpoint):
    from selenium.webdriver.common.by import By

    browser.get(f"{endpoint}/")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#saved option")) > 11)
    run_text(browser, "SELECT ?x WHERE {\n ?x kg:partnerOf }")
    wait_for(browser, lambda d: "error at 2:18" in d.find_element(By.ID, "status").text)
    mark = browser.find_element(By.CSS_SELECTOR, "#query-marks mark.syntax-error")
    assert (mark.get_attribute("data-line"), mark.get_attribute("data-column"), mark.text) == ("2", "18", "}")
    # the marked text lies under the same character of the editor
    assert browser.find_element(By.ID, "query-marks").text == browser.find_element(By.ID, "query").get_attribute("value")
    browser.find_element(By.ID, "query").send_keys(" ")
    assert not browser.find_elements(By.CSS_SELECTOR, "#query-marks mark")


def test_a_60_node_answer_is_laid_out_without_overlaps(browser, news_endpoint, tmp_path, record_property):
    query = "SELECT ?e WHERE { ?e a/rdfs:subClassOf kg:Entity } ORDER BY ?e LIMIT 60"
    url = f"{news_endpoint}/?" + urllib.parse.urlencode({"query": query})
    browser.get(url)
    shown = drawn(browser, 60)
    positions = shown["positions"]
    radius = max(n["size"] for n in shown["nodes"])  # a dot's size is its radius
    closest = min(math.dist((a["x"], a["y"]), (b["x"], b["y"]))
                  for a, b in itertools.combinations(positions.values(), 2))
    assert closest > 2 * radius, f"two dots {closest:.0f} apart overlap"
    browser.execute_script("document.getElementById('graph').scrollIntoView()")
    screenshot = tmp_path / "explorer-60.png"
    assert browser.save_screenshot(str(screenshot))
    record_property("screenshot", str(screenshot))

    # the same answer is laid out the same way every time
    browser.get(f"{news_endpoint}/")
    browser.get(url)
    assert drawn(browser, 60)["positions"] == positions
