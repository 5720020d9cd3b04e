"""Receivers of orgs' signals (connected in ``ProjectsConfig.ready``): a credit listing or a status change of an
organization recomputes its pending renewal reviews. Both signals come after orgs' commit; the work is a
Celery task (in-process without a broker), so a failure here never disturbs the registry."""

from __future__ import annotations

from orgs import signals


def _refresh(organization) -> None:
    from projects.tasks_renewals import renewals_refresh

    renewals_refresh.delay(tenant_id=organization.tenant_id, organization_ids=[organization.pk])


def on_credit_listed(sender, *, organization, **kwargs) -> None:
    _refresh(organization)


def on_status_changed(sender, *, organization, **kwargs) -> None:
    _refresh(organization)


def connect() -> None:
    signals.credit_listed.connect(on_credit_listed, dispatch_uid="projects_renewals_credit_listed")
    signals.organization_status_changed.connect(on_status_changed, dispatch_uid="projects_renewals_org_status")
