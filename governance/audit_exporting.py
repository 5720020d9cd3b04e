"""Excel export of the audit log (审计日志导出): the filtered, sorted events a user may see, audited itself."""

from __future__ import annotations

import json

from django.utils import timezone

from governance.imports.exporting import ExportColumn
from governance.registry import audit_action_label
from governance.sensitive import mask_personal_changes

# A spreadsheet cell holds at most 32,767 characters.
CELL_LIMIT = 32_000


def _changes(event) -> str:
    changes = event.changes or {}
    if getattr(event, "mask_personal", False):
        changes = mask_personal_changes(changes)
    text = json.dumps(changes, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT] + "…"


AUDIT_COLUMNS = (
    ExportColumn("时间", lambda event: timezone.localtime(event.created_at).replace(tzinfo=None), 20,
                 "yyyy-mm-dd hh:mm:ss"),
    ExportColumn("操作人", "actor_repr", 16),
    ExportColumn("操作", lambda event: str(audit_action_label(event.action)), 24),
    ExportColumn("操作代码", "action", 24),
    ExportColumn("对象类型", lambda event: str(event.content_type.name) if event.content_type_id else "", 14),
    ExportColumn("对象", "object_repr", 30),
    ExportColumn("变更", _changes, 60),
    ExportColumn("IP 地址", lambda event: event.ip_address or "", 16),
    ExportColumn("请求编号", "request_id", 20),
)
