from .accounts import Role, RoleAssignment, User
from .audit import AuditEvent
from .imports import FINAL_IMPORT_STATUSES, ImportJob, ImportStatus
from .regions import Region, RegionLevel
from .tenancy import Tenant
from .workflow import StatusChange

__all__ = [
    "FINAL_IMPORT_STATUSES", "AuditEvent", "ImportJob", "ImportStatus", "Region", "RegionLevel", "Role",
    "RoleAssignment", "StatusChange", "Tenant", "User",
]
