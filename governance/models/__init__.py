from .accounts import Role, RoleAssignment, User
from .audit import AuditEvent
from .data_version import DataChange, DataVersion
from .imports import FINAL_IMPORT_STATUSES, ImportJob, ImportStatus
from .notifications import Delivery, Notification, NotificationDigest, NotificationPreference
from .regions import Region, RegionLevel
from .tenancy import Tenant
from .tokens import ApiToken
from .workflow import StatusChange

__all__ = [
    "FINAL_IMPORT_STATUSES", "ApiToken", "AuditEvent", "DataChange", "DataVersion", "Delivery", "ImportJob", "ImportStatus", "Notification",
    "NotificationDigest", "NotificationPreference", "Region", "RegionLevel", "Role",
    "RoleAssignment", "StatusChange", "Tenant", "User",
]
