"""End to end in headless Chromium: an organization user bids on an open call from the portal, staff check,
score and award it, and the winner sees the result; screenshots at desktop and phone width
(``TENDER_SHOTS`` directory, default a temporary one). Skipped with the reason when Chromium is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium binary on PATH")


def _browser_page(playwright, live_server, client, width):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return browser, context.new_page()


@pytest.mark.postgres  # the live server answers parallel requests (badges, favicon): SQLite in memory cannot
@pytest.mark.django_db(transaction=True)
def test_bid_and_award_in_the_browser(world, client_for, live_server, tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here

    from projects.models import Award, Bid

    shots = Path(os.environ.get("TENDER_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    tender = world.open()
    org_client, staff_client = client_for(world.bidder), client_for(world.street)
    with sync_playwright() as playwright:
        for width, name in ((1280, "desktop"), (390, "phone")):
            browser, page = _browser_page(playwright, live_server, org_client, width)
            page.goto(f"{live_server.url}/projects/portal/calls/{tender.pk}/")
            assert "符合资格" in page.content()
            page.screenshot(path=str(shots / f"portal_call_{name}.png"), full_page=True)
            browser.close()
        browser, page = _browser_page(playwright, live_server, org_client, 390)
        page.goto(f"{live_server.url}/projects/portal/calls/{tender.pk}/bid/{world.orgs[0].pk}/")
        page.fill("#id_proposal", "上门探访、助餐、健康讲座，每月一次志愿者培训。")
        page.fill("#id_team_size", "5")
        page.fill("#id_team_social_workers", "2")
        page.fill("#id_price", "72000")
        page.select_option("#id_lines-0-category", "personnel")
        page.fill("#id_lines-0-amount", "42000")
        page.select_option("#id_lines-1-category", "activities")
        page.fill("#id_lines-1-amount", "30000")
        page.screenshot(path=str(shots / "portal_bid_form_phone.png"), full_page=True)
        page.click("button[type=submit].btn-primary")
        page.wait_for_url("**/projects/portal/bids/*/")
        browser.close()
        with world.in_tenant(world.tenant):
            bid = Bid.objects.get()
            assert bid.price == 72000
        world.close_window(tender)
        for width, name in ((1280, "desktop"), (390, "phone")):
            browser, page = _browser_page(playwright, live_server, staff_client, width)
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto(f"{live_server.url}/projects/tenders/{tender.pk}/")
            if name == "desktop":
                page.click("form[action$='/qualify/'] button")
                page.fill("form[action$='/evaluate/'] input[name=quality_score]", "85")
                page.click("form[action$='/evaluate/'] button")
                page.fill("textarea[name=reason]", "唯一有效投标，综合得分 89.5")
                page.click("form[action$='/award/'] button")
                page.wait_for_load_state()
            page.screenshot(path=str(shots / f"tender_detail_{name}.png"), full_page=True)
            browser.close()
    with world.in_tenant(world.tenant):
        award = Award.objects.get()
        assert award.organization_id == world.orgs[0].pk and award.status == "pending"
