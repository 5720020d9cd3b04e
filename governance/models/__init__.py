from .accounts import Role, RoleAssignment, User
from .audit import AuditEvent
from .regions import Region, RegionLevel
from .tenancy import Tenant
from .workflow import StatusChange

__all__ = ["AuditEvent", "Region", "RegionLevel", "Role", "RoleAssignment", "StatusChange", "Tenant", "User"]
