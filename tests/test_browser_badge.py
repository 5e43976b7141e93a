"""The notice badge in a real browser: headless Chromium, no reload.

A guardian signs in on the service's page, accepts the terms and sees her
child's plan; a teacher writes in the child's learning log from another
client; the badge lights up on the open page over the subscription.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.servers import (
    GUARDIAN,
    PASSWORD,
    TEACHER,
    accept_terms,
    daphne,
    demo_database,
    pupil_id,
    require,
    token_for,
    write_log_entry,
)

webdriver = pytest.importorskip("selenium.webdriver")
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.live
WAIT = 15  # seconds


@pytest.fixture
def browser(tmp_path) -> Iterator[object]:
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    require(CHROMIUM is not None and DRIVER is not None, "Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def test_a_change_by_another_user_lights_the_badge_without_a_reload(tmp_path, browser):
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support import expected_conditions as seen  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    with demo_database(tmp_path) as env, daphne(env) as server:
        # given
        teacher = token_for(env, TEACHER)
        accept_terms(server, teacher)
        hugo = pupil_id(server, teacher, "Hugo Hägg")
        wait = WebDriverWait(browser, WAIT)
        browser.get(f"http://{server}/")
        wait.until(seen.visibility_of_element_located((By.NAME, "username")))
        browser.find_element(By.NAME, "username").send_keys(GUARDIAN)
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "#login button").click()
        wait.until(seen.element_to_be_clickable((By.ID, "accept"))).click()
        wait.until(seen.visibility_of_element_located((By.ID, "page")))
        wait.until(lambda b: b.find_element(By.ID, "badge").get_attribute("data-count") != "")
        before = int(browser.find_element(By.ID, "badge").get_attribute("data-count"))
        plans = browser.find_element(By.ID, "children").text
        page = browser.execute_script("return performance.getEntriesByType('navigation').length")

        # when
        write_log_entry(server, teacher, hugo, "Vi mätte skolgården.")

        # then
        wait.until(
            lambda b: b.find_element(By.ID, "badge").get_attribute("data-count") == str(before + 1)
        )
        badge = browser.find_element(By.ID, "badge")
        assert (badge.text, "lit" in badge.get_attribute("class")) == (str(before + 1), True)
        assert browser.find_element(By.ID, "newest").text == "Senaste: Nytt inlägg i lärloggen"
        assert "Hugo Hägg – IUP HT2026" in plans  # noqa: RUF001 - the page's own dash
        assert (
            browser.execute_script("return performance.getEntriesByType('navigation').length")
            == page
        )  # the same page: no reload
