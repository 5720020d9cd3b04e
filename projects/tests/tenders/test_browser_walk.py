"""Issue 9's whole chain in headless Chromium, every step through the pages a user clicks: a street clerk writes a
review template and a funding program, a community clerk applies with budget lines and a task book, the street
draws five experts, each expert scores in the browser, the street ranks and approves, opens a tender, an
organization bids from the portal, the street qualifies, scores and awards, and after the standstill writes and
signs the contract. Screenshots of each page at desktop (1366) and phone (390) width go to ``WALK_SHOTS``
(default: a temporary directory). Skipped with the reason when Chromium is missing."""

from __future__ import annotations

import datetime
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import make_user
from governance.models import Role

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium binary on PATH")
WIDTHS = (("desktop", 1366), ("phone", 390))


class Walker:
    """One headless Chromium; ``as_user`` opens a page signed in as a user (the test client's session cookie)."""

    def __init__(self, playwright, live_server, client_for, shots: Path):
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        self.live_server, self.client_for, self.shots = live_server, client_for, shots
        self.shot_names: list[str] = []

    def as_user(self, user, width=1366):
        cookie = self.client_for(user).cookies["sessionid"]
        context = self.browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": self.live_server.url}])
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # the confirmation of irreversible steps
        return page

    def go(self, page, path):
        response = page.goto(f"{self.live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        return page

    def press(self, user, path, action, obj, db):
        """Open ``path`` as ``user``, press the button of the form posting to ``…/<action>/`` (confirming), and
        return ``obj`` re-read and the page's messages."""
        page = self.go(self.as_user(user), path)
        page.locator(f"form[action$='/{action}/'] button").click()
        page.wait_for_load_state()
        with db():
            obj.refresh_from_db()
        message = _message(page)
        page.context.close()
        return obj, message

    def shoot(self, user, path, name):
        """The page at both widths, full length; it must answer 200 and show no server error."""
        for label, width in WIDTHS:
            page = self.go(self.as_user(user, width), path)
            assert "服务器错误" not in page.content()
            if label == "phone":  # nothing wider than the screen: the page scrolls only vertically
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 2, (path, overflow)
            page.screenshot(path=str(self.shots / f"{name}_{label}.png"), full_page=True)
            self.shot_names.append(f"{name}_{label}.png")
            page.context.close()


def _fill(page, values: dict) -> None:
    for name, value in values.items():
        field = page.locator(f"[name='{name}']")
        tag = field.evaluate("element => element.tagName.toLowerCase()")
        if tag == "select":
            field.select_option(str(value))
        elif field.get_attribute("type") == "checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(str(value))


def _submit(page, form_selector="main form.needs-submit, main form[method=post]") -> None:
    page.locator(form_selector).last.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


def _message(page) -> str:
    return " ".join(page.locator(".alert").all_inner_texts())


@pytest.mark.postgres  # the live server answers parallel requests (badges, favicon): SQLite in memory cannot
@pytest.mark.django_db(transaction=True)
def test_program_to_signed_contract_in_the_browser(tree_a, users, in_tenant, client_for, live_server, tmp_path,
                                                   monkeypatch):
    from playwright.sync_api import sync_playwright

    from orgs.tests.factories import EvaluationGradeFactory, MembershipFactory, OrganizationFactory
    from projects.models import (
        Application,
        ApplicationStatus,
        Award,
        Bid,
        Contract,
        ContractStatus,
        FundingProgram,
        ReviewAssignment,
        ReviewTemplate,
        Tender,
    )
    from projects.tests.factories import ExpertFactory

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here
    shots = Path(os.environ.get("WALK_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    street, community, org_user = users["street_a"], users["community_a"], users["org_a"]
    today = timezone.localdate()

    def db():
        return in_tenant(tree_a["tenant"])

    with db():
        experts = []
        for i in range(5):
            user = make_user(tree_a["tenant"], f"walk_expert{i}", Role.EXPERT, tree_a["root"])
            experts.append(ExpertFactory(region=tree_a["street"], user=user, name=f"评审专家{i}"))
        bidder = OrganizationFactory(region=tree_a["community"], name="阳光社会工作服务中心")
        EvaluationGradeFactory(organization=bidder, grade="4A", awarded_date=today - datetime.timedelta(days=300))
        MembershipFactory(organization=bidder, user=org_user)

    with sync_playwright() as playwright:
        walk = Walker(playwright, live_server, client_for, shots)

        # 1. The street writes a review template: weights must sum to 100 (a wrong sum is refused first).
        page = walk.go(walk.as_user(street), "/projects/templates/new/")
        criteria = {"name": "居家养老项目评审", "criteria-0-name": "需求分析", "criteria-0-weight": "40",
                    "criteria-0-max_score": "10", "criteria-1-name": "实施方案", "criteria-1-weight": "35",
                    "criteria-1-max_score": "10", "criteria-2-name": "预算合理性", "criteria-2-weight": "20",
                    "criteria-2-max_score": "10"}
        _fill(page, criteria)
        _submit(page)
        with db():
            assert "100" in page.content() and not ReviewTemplate.objects.exists()  # 95 %: refused, nothing saved
        _fill(page, {"criteria-2-weight": "25"})
        _submit(page)
        with db():
            template = ReviewTemplate.objects.get()
            criteria = list(template.criteria.order_by("position", "id"))
        assert len(criteria) == 3

        # 2. … and a funding program open for applications, five experts per application.
        page = walk.go(walk.as_user(street), "/projects/programs/new/")
        _fill(page, {"name": "2026年居家养老服务购买", "kind": "government_purchase", "year": today.year,
                     "status": "open", "budget_pool": "300000", "cap_per_application": "100000",
                     "application_opens": (today - datetime.timedelta(days=10)).isoformat(),
                     "application_closes": (today + datetime.timedelta(days=30)).isoformat(),
                     "review_opens": (today - datetime.timedelta(days=10)).isoformat(),
                     "review_closes": (today + datetime.timedelta(days=60)).isoformat(),
                     "review_template": template.pk, "experts_per_application": "5", "min_grade": "3A",
                     "region": tree_a["street"].pk})
        _submit(page)
        with db():
            program = FundingProgram.objects.get()
        walk.shoot(street, f"/projects/programs/{program.pk}/", "01_program")

        # 3. The community applies: budget lines within the cap, a task book whose weights sum to 100.
        page = walk.go(walk.as_user(community), "/projects/applications/new/")
        _fill(page, {"program": program.pk, "region": tree_a["community"].pk, "title": "独居老人关爱服务",
                     "need_statement": "辖区独居老人 120 人，需要上门探访、助餐与健康讲座。",
                     "target_groups": "独居老人", "beneficiaries": "120", "service_period_months": "12",
                     "lines-0-category": "personnel", "lines-0-amount": "50000", "lines-0-rationale": "两名社工",
                     "lines-1-category": "activities", "lines-1-amount": "30000", "lines-1-rationale": "活动物资",
                     "indicators-0-name": "上门探访", "indicators-0-kind": "output", "indicators-0-unit": "人次",
                     "indicators-0-target": "600", "indicators-0-weight": "60",
                     "indicators-1-name": "居民满意度", "indicators-1-kind": "satisfaction",
                     "indicators-1-unit": "%", "indicators-1-target": "90", "indicators-1-weight": "40",
                     "cosigners-0-name": "李秀英", "cosigners-0-capacity": "居民代表",
                     "cosigners-0-signed_on": (today - datetime.timedelta(days=2)).isoformat(),
                     "cosigners-1-name": "王德福", "cosigners-1-capacity": "楼栋长",
                     "cosigners-1-signed_on": (today + datetime.timedelta(days=1)).isoformat()})
        _submit(page)
        with db():  # a signing date in the future is refused on its row, and nothing is saved
            assert not Application.objects.exists() and "晚于今天" in page.content()
        _fill(page, {"cosigners-1-signed_on": (today - datetime.timedelta(days=1)).isoformat()})
        _submit(page)
        with db():
            application = Application.objects.get()
            assert application.budget_lines.count() == 2 and application.indicators.count() == 2
            assert sorted(application.cosigners.values_list("name", flat=True)) == ["李秀英", "王德福"]
        # An attachment from the application page: a file that only claims to be a PDF is refused, a real one kept.
        page = walk.go(walk.as_user(community), f"/projects/applications/{application.pk}/")
        fake = {"name": "需求调研报告.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all"}
        page.locator("#attachment-file").set_input_files(fake)
        page.locator("#attachments form[enctype] button[type=submit]").click()
        page.wait_for_load_state()
        with db():
            assert not application.attachments.exists(), _message(page)
        real = {**fake, "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"}
        page.locator("#attachment-file").set_input_files(real)
        page.locator("#attachments form[enctype] button[type=submit]").click()
        page.wait_for_load_state()
        with db():
            assert list(application.attachments.values_list("name", flat=True)) == ["需求调研报告.pdf"], _message(page)
        page.context.close()
        walk.shoot(community, f"/projects/applications/{application.pk}/", "01b_application_cosigners_attachment")
        walk.shoot(community, f"/projects/applications/{application.pk}/edit/", "01c_application_form")
        application, message = walk.press(community, f"/projects/applications/{application.pk}/", "submit", application, db)
        assert application.status == ApplicationStatus.SUBMITTED, message

        # 4. The street draws the experts (seeded, recorded with the exclusions).
        page = walk.go(walk.as_user(street), f"/projects/applications/{application.pk}/")
        page.locator("form[action$='/review/'] button").click()
        page.wait_for_load_state()
        with db():
            application.refresh_from_db()
            assignments = list(ReviewAssignment.objects.filter(application=application)
                               .select_related("expert__user"))
        assert application.status == ApplicationStatus.IN_REVIEW, _message(page)
        assert len(assignments) == 5
        walk.shoot(street, f"/projects/applications/{application.pk}/", "02_application_in_review")

        # 5. Each expert scores blind in the browser; one marks a criterion n/a.
        scores = {0: ("8", "7", "9"), 1: ("9", "8", "8"), 2: ("6", "7", None), 3: ("7", "6", "8"), 4: ("10", "9", "9")}
        for i, assignment in enumerate(sorted(assignments, key=lambda a: a.expert.name)):
            expert_user = assignment.expert.user
            if i == 0:
                walk.shoot(expert_user, "/projects/reviews/", "03_expert_assignments")
                walk.shoot(expert_user, f"/projects/reviews/{assignment.pk}/", "04_expert_score_form")
            page = walk.go(walk.as_user(expert_user, 390), f"/projects/reviews/{assignment.pk}/")
            values = {}
            for criterion, value in zip(criteria, scores[i], strict=True):
                if value is None:
                    values[f"na{criterion.pk}"] = True
                else:
                    values[f"c{criterion.pk}"] = value
            _fill(page, values)
            page.locator("form button[type=submit].btn-primary").last.click()
            page.wait_for_load_state()
            with db():
                assignment.refresh_from_db()
            assert assignment.status == "submitted", _message(page)

        # 6. The street ranks the program: the application passes and is approved within the pool.
        application, message = walk.press(street, f"/projects/programs/{program.pk}/", "rank", application, db)
        assert application.status == ApplicationStatus.APPROVED, message
        walk.shoot(street, f"/projects/programs/{program.pk}/", "05_program_ranked")

        # 7. A tender on the approved project.
        page = walk.go(walk.as_user(street), f"/projects/applications/{application.pk}/tender/")
        now = timezone.localtime()
        _fill(page, {"bid_opens": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                     "bid_closes": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")})
        _submit(page)
        with db():
            tender = Tender.objects.get()
        walk.shoot(org_user, f"/projects/portal/calls/{tender.pk}/", "06_portal_call")

        # 8. The organization bids from the portal on a phone.
        page = walk.go(walk.as_user(org_user, 390), f"/projects/portal/calls/{tender.pk}/bid/{bidder.pk}/")
        _fill(page, {"proposal": "上门探访、助餐、健康讲座，每月一次志愿者培训。", "team_size": "5",
                     "team_social_workers": "2", "price": "76000", "lines-0-category": "personnel",
                     "lines-0-amount": "46000", "lines-1-category": "activities", "lines-1-amount": "30000"})
        page.click("button[type=submit].btn-primary")
        page.wait_for_url("**/projects/portal/bids/*/")
        with db():
            bid = Bid.objects.get()
        assert bid.price == Decimal("76000")

        # 9. The window closes; the street qualifies, scores and awards with a reason.
        closes = timezone.now() - datetime.timedelta(minutes=1)
        with db():
            Tender.objects.filter(pk=tender.pk).update(bid_closes=closes,
                                                       bid_opens=closes - datetime.timedelta(days=7))
        page = walk.go(walk.as_user(street), f"/projects/tenders/{tender.pk}/")
        page.click("form[action$='/qualify/'] button")
        page.fill("form[action$='/evaluate/'] input[name=quality_score]", "88")
        page.click("form[action$='/evaluate/'] button")
        page.fill("textarea[name=reason]", "唯一有效投标，价格与质量综合得分最高")
        page.click("form[action$='/award/'] button")
        page.wait_for_load_state()
        with db():
            award = Award.objects.get()
        walk.shoot(street, f"/projects/tenders/{tender.pk}/", "07_tender_awarded")

        # 10. After the standstill the street writes the contract (tranches summing to 100 %) and signs it.
        with db():
            Award.objects.filter(pk=award.pk).update(standstill_ends=today)
        page = walk.go(walk.as_user(street), f"/projects/awards/{award.pk}/contract/")
        _fill(page, {"start_date": today.isoformat(),
                     "end_date": (today + datetime.timedelta(days=364)).isoformat()})
        _submit(page)
        with db():
            contract = Contract.objects.get()
            assert contract.amount == Decimal("76000") and contract.tranches.count() >= 1, _message(page)
        contract, message = walk.press(street, f"/projects/contracts/{contract.pk}/", "sign", contract, db)
        assert contract.status == ContractStatus.ACTIVE, message
        walk.shoot(street, f"/projects/contracts/{contract.pk}/", "08_contract_signed")
        walk.shoot(org_user, f"/projects/portal/contracts/{contract.pk}/", "09_portal_contract")
        walk.browser.close()
    assert len(walk.shot_names) == 22 and all(re.match(r"\d\d[a-z]?_", name) for name in walk.shot_names)
