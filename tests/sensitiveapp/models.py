"""A resident with personal data, the way volunteers and Party members will store theirs."""

from django.db import models

from governance.sensitive import SensitiveField, SensitiveHashField
from governance.tenancy import TenantOwnedModel

CAN_REVEAL = "tests.sensitiveapp.permissions.can_reveal_person"


class Person(TenantOwnedModel):
    region = models.ForeignKey("governance.Region", on_delete=models.PROTECT, related_name="+")
    name = SensitiveField("name", kind="name", can_reveal=CAN_REVEAL)
    id_number = SensitiveField("ID number", kind="id_number", hash_field="id_number_hash", can_reveal=CAN_REVEAL)
    id_number_hash = SensitiveHashField()
    phone = SensitiveField("phone", kind="phone", hash_field="phone_hash", blank=True, can_reveal=CAN_REVEAL)
    phone_hash = SensitiveHashField()
    note = SensitiveField("note", blank=True, null=True)  # no can_reveal: nobody sees it in full

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id_number_hash"], condition=~models.Q(id_number_hash=""),
                                    name="sensitiveapp_person_one_per_id_number"),
        ]
        indexes = [models.Index(fields=["tenant", "phone_hash"], name="sensitiveapp_person_phone")]

    def __str__(self) -> str:
        return str(self.name)
