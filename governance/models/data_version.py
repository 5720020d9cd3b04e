"""The database's data version (issue 8): what the response cache (``governance.response_cache``) keys on.

Every write statement on one of the project's tables adds a row to ``DataChange`` (PostgreSQL statement-level
triggers, ``governance.data_version.ensure_change_triggers``), one per tenant whose rows it touched (tenant 0:
a table without a tenant, or a row without one, which concerns every tenant). A tenant's version is the number
of those rows it can see, so it moves exactly when a write that concerns it commits. ``DataVersion`` holds the
counts already folded in by the compaction, which keeps ``DataChange`` short without changing any version.
Neither table is tenant-owned (no row-level security): they hold nothing but counters.
"""

from django.db import models


class DataChange(models.Model):
    id = models.BigAutoField(primary_key=True)
    tenant_id = models.BigIntegerField(db_index=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"change {self.pk} of tenant {self.tenant_id}"


class DataVersion(models.Model):
    tenant_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"tenant {self.tenant_id} at {self.version}"
