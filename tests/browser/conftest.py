"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server,
with axe-core checking every page visited for WCAG 2.2 AA violations."""

import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _browser_reference_data(reference_data):
    """Every browser test runs against the live server, so needs the seeded data restored."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's Chromium: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def site(page, live_server):
    """The page, confined to the live server: any other request is aborted (there is no internet)."""
    page.route(
        re.compile(r".*"),
        lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort(),
    )
    page.set_default_timeout(10_000)
    # Scripts blocked by the content security policy, or failing, are bugs: collect them.
    page.script_problems = []
    page.on("pageerror", lambda error: page.script_problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            page.script_problems.append(message.text)
            # Requests we abort (fonts from assets.nhs.uk) log "Failed to load resource"; anything
            # else, such as a script the content security policy blocked, is a bug.
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    return page


def assert_accessible(page) -> None:
    """Runs axe-core on the current page and fails with the violations if there are any."""
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate("o => axe.run(document, o)", {"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes']]}" for v in result["violations"]]
    assert violations == [], f"{page.url}\n" + "\n".join(violations)
    assert getattr(page, "script_problems", []) == []
