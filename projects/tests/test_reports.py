"""Progress reports: the schedule from the contract term, filling in, submit / return / approve, only approved
figures count, spending warnings, tranche releases gated on approvals, the daily reminders (idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.exceptions import ApplicationError, ConflictError
from governance.models import AuditEvent
from governance.models.notifications import Notification
from projects.models import (
    BudgetLine,
    PaymentTranche,
    ProgressReport,
    ReportKind,
    ReportSettings,
    ReportStatus,
    TranchePayment,
    TrancheStatus,
)
from projects.selectors_reports import contract_approved_actuals, contract_spending
from projects.services import contracts as contract_services
from projects.services import reports as services
from projects.tests.factories import BudgetLineFactory
from projects.tests.tenders.conftest import World

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def world(tree_a, tree_b, users, in_tenant):
    """Tenant A active for the whole test (rows are read directly; requests set their own tenant)."""
    made = World(tree_a, tree_b, users, in_tenant)
    with in_tenant(made.tenant):
        yield made


@pytest.fixture
def signed(world, in_tenant):
    """A signed one-year contract of 70,000 yuan with tranches 30 % at signing, 40 % at the mid-term and 30 %
    at the final acceptance, and two budget lines (activities 40,000, management 6,000)."""
    with in_tenant(world.tenant):
        BudgetLineFactory(application=world.application, category="activities", amount=Decimal("40000"))
        BudgetLineFactory(application=world.application, category="management", amount=Decimal("6000"))
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award, start=START, end=END)
    with in_tenant(world.tenant):
        contract_services.contract_sign(actor=world.street, contract=contract)
    return contract


def _message(excinfo) -> str:
    exc = excinfo.value
    return str(getattr(exc, "message", None) or exc)


def _fill(world, report, *, people="120", num="45", den="50", lines=()):
    output, share = report.contract.indicators.order_by("position", "id")
    return services.report_save(
        actor=world.bidder, report=report, activities_held=6, beneficiaries_reached=80, summary="本季度开展探访。",
        actuals=[{"indicator": output.pk, "value": people, "narrative": "签到表"},
                 {"indicator": share.pk, "numerator": num, "denominator": den}],
        expenditures=list(lines))


def test_signing_plans_the_schedule_from_the_term_quarterly_and_idempotent(world, signed, in_tenant):
    with in_tenant(world.tenant):
        assert ProgressReport.objects.filter(contract=signed).count() == 4  # contract_sign planned it
        reports = services.report_schedule_generate(actor=world.street, contract=signed)
        again = services.report_schedule_generate(actor=world.street, contract=signed)
        rows = list(ProgressReport.objects.filter(contract=signed).order_by("sequence"))
    assert [r.pk for r in again] == [r.pk for r in reports] == [r.pk for r in rows]
    assert [(r.period_start, r.period_end, r.due_date) for r in rows] == [
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), datetime.date(2026, 4, 10)),
        (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), datetime.date(2026, 7, 10)),
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), datetime.date(2026, 10, 10)),
        (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), datetime.date(2027, 1, 10))]
    # The middle of the term (2 July) lies in the third quarter: that is the mid-term report.
    assert [r.kind for r in rows] == [ReportKind.PERIODIC, ReportKind.PERIODIC, ReportKind.MIDTERM, ReportKind.FINAL]
    tranches = {t.sequence: t.pk for t in PaymentTranche.objects.filter(contract=signed)}
    assert [r.tranche_id for r in rows] == [None, None, tranches[2], tranches[3]]
    assert AuditEvent.objects.filter(action="progress_report.schedule").count() == 1


def test_schedule_period_is_a_tenant_setting(world, in_tenant):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award, start=START, end=END)
    with in_tenant(world.tenant):
        ReportSettings.objects.create(tenant=world.tenant, period_months=6, due_days=15)
        contract_services.contract_sign(actor=world.street, contract=contract)
        rows = list(ProgressReport.objects.filter(contract=contract).order_by("sequence"))
    assert [(r.period_end, r.due_date, r.kind) for r in rows] == [
        (datetime.date(2026, 6, 30), datetime.date(2026, 7, 15), ReportKind.PERIODIC),
        (datetime.date(2026, 12, 31), datetime.date(2027, 1, 15), ReportKind.FINAL)]


def test_only_the_buyer_plans_reports(world, signed, users, in_tenant):
    with in_tenant(world.tenant), pytest.raises(ApplicationError):
        services.report_schedule_generate(actor=users["street2_a"], contract=signed)
    with in_tenant(world.tenant), pytest.raises(ApplicationError):
        services.report_schedule_generate(actor=world.bidder, contract=signed)


def test_submit_return_resubmit_approve_and_only_approved_figures_count(world, signed, in_tenant):
    with in_tenant(world.tenant):
        first, second = services.report_schedule_generate(actor=world.street, contract=signed)[:2]
        with pytest.raises(ApplicationError) as excinfo:
            services.report_submit(actor=world.bidder, report=first)
        assert "请先填写全部指标的数据" in _message(excinfo)
        _fill(world, first, people="120", num="45", den="50")
        services.report_submit(actor=world.bidder, report=first)
        with pytest.raises(ConflictError):
            _fill(world, first)  # a submitted report cannot change
        with pytest.raises(ApplicationError) as excinfo:
            services.report_return(actor=world.street, report=first, note="  ")
        assert "请填写理由" in _message(excinfo)
        services.report_return(actor=world.street, report=first, note="签到表不清晰")
        assert contract_approved_actuals(signed)[0]["actual"] is None  # returned: nothing counts
        _fill(world, first, people="150", num="45", den="50")
        services.report_submit(actor=world.bidder, report=first)
        with pytest.raises(ApplicationError):
            services.report_approve(actor=world.bidder, report=first)  # not the organization
        services.report_approve(actor=world.street, report=first)
        # The second quarter: submitted, not approved, does not count yet.
        _fill(world, second, people="200", num="40", den="50")
        services.report_submit(actor=world.bidder, report=second)
        people, share = contract_approved_actuals(signed)
        assert (people["actual"], people["reports"]) == (Decimal("150.00"), 1)
        assert share["actual"] == Decimal("90.00")  # 45 / 50
        services.report_approve(actor=world.street, report=second)
        people, share = contract_approved_actuals(signed)
        # Cumulative: 150 + 200 people; a share adds numerators and denominators: 85 / 100.
        assert (people["actual"], share["actual"]) == (Decimal("350.00"), Decimal("85.00"))
        first.refresh_from_db()
        assert first.status == ReportStatus.APPROVED and first.review_comment == ""
        assert list(AuditEvent.objects.filter(object_id=str(first.pk), action__startswith="progress_report.")
                    .exclude(action="progress_report.schedule").order_by("id").values_list("action", flat=True)) == [
            "progress_report.save", "progress_report.submitted", "progress_report.returned",
            "progress_report.save", "progress_report.submitted", "progress_report.approved"]
        assert Notification.objects.filter(kind="projects.report_reviewed", recipient=world.bidder).count() == 3


@pytest.mark.parametrize("row,field,message", [
    ({"value": "abc"}, "actuals.0.value", "请输入数字"),
    ({"value": "-5"}, "actuals.0.value", "不小于零"),
    ({"value": "NaN"}, "actuals.0.value", "请输入数字"),
    ({"numerator": "3", "denominator": "2"}, "actuals.0.numerator", "分子不能大于分母"),
    ({"numerator": "3"}, "actuals.0.denominator", "分子和分母"),
    ({}, "actuals.0.value", "请填写达到的数值"),
])
def test_bad_figures_are_refused_with_a_message(world, signed, in_tenant, row, field, message):
    with in_tenant(world.tenant):
        report = services.report_schedule_generate(actor=world.street, contract=signed)[0]
        share = signed.indicators.get(unit="%")
        with pytest.raises(ValidationError) as excinfo:
            services.report_save(actor=world.bidder, report=report, actuals=[{"indicator": share.pk, **row}])
        assert message in " ".join(excinfo.value.message_dict[field])
        assert not report.actuals.exists()


def test_numerator_only_for_a_share_and_indicators_of_this_contract(world, signed, in_tenant):
    with in_tenant(world.tenant):
        report = services.report_schedule_generate(actor=world.street, contract=signed)[0]
        people = signed.indicators.exclude(unit="%").get()
        with pytest.raises(ValidationError) as excinfo:
            services.report_save(actor=world.bidder, report=report,
                                 actuals=[{"indicator": people.pk, "numerator": "1", "denominator": "2"}])
        assert "actuals.0.numerator" in excinfo.value.message_dict
        with pytest.raises(ValidationError) as excinfo:
            services.report_save(actor=world.bidder, report=report, actuals=[{"indicator": 10**9, "value": "1"}])
        assert "actuals.0.indicator" in excinfo.value.message_dict
        other_line = BudgetLineFactory(application=signed.application.program.applications.exclude(
            pk=signed.application_id).first() or _other_application(world))
        with pytest.raises(ValidationError) as excinfo:
            services.report_save(actor=world.bidder, report=report,
                                 expenditures=[{"budget_line": other_line.pk, "amount": "10"}])
        assert "expenditures.0.budget_line" in excinfo.value.message_dict
        with pytest.raises(ApplicationError):
            services.report_save(actor=world.other_org_user, report=report)  # another organization


def _other_application(world):
    from projects.tests.factories import ApplicationFactory

    return ApplicationFactory(program=world.program, region=world.tree["community"])


def test_evidence_files_limited_by_type_and_size(world, signed, in_tenant):
    with in_tenant(world.tenant):
        report = services.report_schedule_generate(actor=world.street, contract=signed)[0]
        with pytest.raises(ValidationError) as excinfo:
            services.report_evidence_add(actor=world.bidder, report=report,
                                         uploaded_file=SimpleUploadedFile("run.exe", b"MZ"))
        assert "允许的文件类型" in " ".join(excinfo.value.message_dict["file"])
        big = SimpleUploadedFile("photo.jpg", b"x")
        big.size = services.MAX_EVIDENCE_BYTES + 1
        with pytest.raises(ValidationError):
            services.report_evidence_add(actor=world.bidder, report=report, uploaded_file=big)
        evidence = services.report_evidence_add(actor=world.bidder, report=report,
                                                uploaded_file=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4"))
    assert evidence.name == "签到表.pdf" and report.evidence.count() == 1


def test_spending_warns_above_a_line_and_above_the_overhead_share(world, signed, in_tenant):
    with in_tenant(world.tenant):
        activities, management = BudgetLine.objects.filter(application=signed.application,
                                                           category__in=["activities", "management"]).order_by("id")
        first, second = services.report_schedule_generate(actor=world.street, contract=signed)[:2]
        _fill(world, first, lines=[{"budget_line": activities.pk, "amount": "30000"},
                                   {"budget_line": management.pk, "amount": "3000"}])
        services.report_submit(actor=world.bidder, report=first)
        services.report_approve(actor=world.street, report=first)
        spending = contract_spending(signed)
        # 3,000 of 33,000 = 9.1 % management, under the default limit of 10 %.
        assert (spending["spent"], spending["overhead_share"], spending["warnings"]) == (
            Decimal("33000.00"), Decimal("9.1"), [])
        _fill(world, second, lines=[{"budget_line": activities.pk, "amount": "12000"},
                                    {"budget_line": management.pk, "amount": "2000"}])
        # The draft is previewed on its page; the contract's approved spending has not changed.
        assert contract_spending(signed)["spent"] == Decimal("33000.00")
        preview = contract_spending(signed, report=second)
        row = next(r for r in preview["lines"] if r["budget_line"].pk == activities.pk)
        assert (row["spent"], row["share"], row["over"]) == (Decimal("42000.00"), Decimal("105.0"), True)
        # 5,000 of 47,000 = 10.6 % > 10 %.
        assert preview["overhead_share"] == Decimal("10.6") and preview["overhead_over"]
        assert len(preview["warnings"]) == 2
        assert "已支出 42000.00 元（105.0 %），超出预算" in preview["warnings"][0]
        assert preview["warnings"][1] == "管理费占支出的 10.6 %，超过上限 10 %。"
        ReportSettings.objects.create(tenant=world.tenant, overhead_max_share=Decimal("12"))
        assert not contract_spending(signed, report=second)["overhead_over"]


def test_tranches_are_released_only_once_their_report_is_approved(world, signed, in_tenant):
    with in_tenant(world.tenant):
        signing, midterm, final = PaymentTranche.objects.filter(contract=signed).order_by("sequence")
        ProgressReport.objects.filter(contract=signed).delete()  # as for a contract signed without a schedule
        with pytest.raises(ConflictError) as excinfo:
            services.tranche_release(actor=world.street, tranche=midterm, paid_on=datetime.date(2026, 10, 20))
        assert "先制定报告计划" in _message(excinfo)
        reports = services.report_schedule_generate(actor=world.street, contract=signed)
        payment = services.tranche_release(actor=world.street, tranche=signing, paid_on=datetime.date(2026, 1, 5))
        assert (payment.amount, payment.date, payment.payer_name, payment.payee_name) == (
            Decimal("21000.00"), datetime.date(2026, 1, 5), signed.buyer_name, signed.organization.name)
        with pytest.raises(ConflictError) as excinfo:
            services.tranche_release(actor=world.street, tranche=signing)
        assert "已经结清" in _message(excinfo)
        midterm_report = reports[2]
        with pytest.raises(ConflictError) as excinfo:
            services.tranche_release(actor=world.street, tranche=midterm)
        assert _message(excinfo) == "第 2 期款项须在第 3 期进度报告（中期报告）审核通过后拨付；该报告目前为“草稿”。"
        _fill(world, midterm_report)
        services.report_submit(actor=world.bidder, report=midterm_report)
        with pytest.raises(ConflictError):
            services.tranche_release(actor=world.street, tranche=midterm)  # submitted is not approved
        with pytest.raises(ApplicationError):
            services.tranche_release(actor=world.bidder, tranche=midterm)  # the organization cannot pay itself
        services.report_approve(actor=world.street, report=midterm_report)
        payment = services.tranche_release(actor=world.street, tranche=midterm, payer_name="广东路街道财政所")
        assert (payment.amount, payment.payer_name) == (Decimal("28000.00"), "广东路街道财政所")
        midterm.refresh_from_db()
        assert midterm.status == TrancheStatus.MET and midterm.paid_on == payment.date
        with pytest.raises(ConflictError):
            services.tranche_release(actor=world.street, tranche=final)
    assert TranchePayment.objects.filter(contract=signed).count() == 2
    assert AuditEvent.objects.filter(action="tranche.release").count() == 2


def test_daily_run_schedules_marks_overdue_and_reminds_once(world, signed, in_tenant):
    with in_tenant(world.tenant):
        ProgressReport.objects.filter(contract=signed).delete()  # a contract signed before signing planned reports
        assert services.reports_daily(tenant=world.tenant, today=datetime.date(2026, 4, 7)) == {
            "scheduled": 4, "overdue": 0, "reminded_before": 1, "reminded_after": 0}
        assert services.reports_daily(tenant=world.tenant, today=datetime.date(2026, 4, 7)) == {
            "scheduled": 0, "overdue": 0, "reminded_before": 0, "reminded_after": 0}
        # Due 10 April; on the 14th it is overdue and three days past: the reminder after the due date.
        assert services.reports_daily(tenant=world.tenant, today=datetime.date(2026, 4, 14)) == {
            "scheduled": 0, "overdue": 1, "reminded_before": 0, "reminded_after": 1}
        assert services.reports_daily(tenant=world.tenant, today=datetime.date(2026, 4, 14)) == {
            "scheduled": 0, "overdue": 0, "reminded_before": 0, "reminded_after": 0}
        first = ProgressReport.objects.get(contract=signed, sequence=1)
        assert first.overdue and first.reminded_before and first.reminded_after
        assert Notification.objects.filter(kind="projects.report_due", recipient=world.bidder).count() == 2
        # The buyer's staff hear of the overdue report, not of the one merely due.
        assert Notification.objects.filter(kind="projects.report_due", recipient=world.street).count() == 1
        assert AuditEvent.objects.filter(action="progress_report.overdue").count() == 1


def test_daily_task_is_registered_and_runs_for_one_tenant(world, signed, in_tenant):
    from governance import registry
    from projects.tasks_reports import reports_daily

    assert any(spec.task == "projects.reports_daily" for spec in registry.periodic_tasks())
    with in_tenant(world.tenant):
        ProgressReport.objects.filter(contract=signed).delete()
    result = reports_daily.apply(kwargs={"tenant_id": world.tenant.pk, "today": "2026-04-07"}).get()
    assert result["scheduled"] == 4
    with in_tenant(world.tenant):
        assert ProgressReport.objects.filter(contract=signed).count() == 4
