"""Phones and ID numbers inside audit events: masked for read-only readers of the log (auditors), in full for
the tenant administrator — on the page and in its Excel export."""

import io

import openpyxl
import pytest
from django.db import transaction

from governance.audit import audit_record
from governance.sensitive import mask_personal_changes
from governance.tenancy import tenant_context

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"


def test_mask_personal_changes_masks_by_key_at_any_depth():
    changes = {"contact_phone": ["13900000000", PHONE], "name": ["甲", "乙"],
               "members": [{"phone": PHONE, "id_number": ID_NUMBER}], "note": PHONE, "owner_mobile": "bad"}
    masked = mask_personal_changes(changes)
    assert masked["contact_phone"] == ["139****0000", "138****5678"]
    assert masked["members"][0]["phone"] == "138****5678"
    assert ID_NUMBER not in str(masked) and PHONE not in str(masked["members"])
    assert masked["name"] == ["甲", "乙"] and masked["note"] == PHONE  # only keys that name the data
    assert masked["owner_mobile"] != "bad"  # a malformed value is hidden, not shown
    assert changes["contact_phone"] == ["13900000000", PHONE]  # a copy; the event itself is untouched


@pytest.fixture
def phone_event(users, tree_a):
    with tenant_context(tree_a["tenant"]), transaction.atomic():
        audit_record(actor=users["street_a"], action="region.update", obj=tree_a["community"],
                     changes={"contact_phone": ["", PHONE], "id_number": ID_NUMBER})
    return tree_a


def _export_text(response) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(str(cell.value) for row in workbook.active.iter_rows() for cell in row if cell.value)


@pytest.mark.parametrize("username, full", [("auditor_a", False), ("admin_a", True)])
def test_audit_log_masks_personal_data_for_read_only_readers(phone_event, users, client_for, username, full):
    client = client_for(users[username])
    page = client.get("/audit/").content.decode()
    exported = _export_text(client.get("/audit/export.xlsx"))
    for text in (page, exported):
        assert (PHONE in text) is full
        assert (ID_NUMBER in text) is full
        if not full:
            assert "138****5678" in text
