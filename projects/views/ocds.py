"""The OCDS download of a contract (开放合同数据): staff of the buyer's or applying unit's subtree and the
supplier organization's members; anyone else gets 404."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from projects import ocds


@login_required
@require_GET
def contract_ocds(request, pk, kind="release"):
    contract = ocds.contract_for_ocds(user=request.user, pk=pk)
    package = ocds.contract_ocds_export(actor=request.user, contract=contract, kind=kind,
                                        uri=request.build_absolute_uri())
    response = HttpResponse(json.dumps(package, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ocds.contract_ocid(contract)}-{kind}.json"'
    return response
