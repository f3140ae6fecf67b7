"""The browser fixture every browser test uses."""

from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from browsing import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
