from governance.tenancy import tenant_context
from tests.sensitiveapp.models import Person

# Valid GB 11643 numbers (check characters computed by governance.standards.id_check_char).
ID_A = "11010519491231002X"
ID_B = "430405199001011233"
ID_C = "430202198512120015"


def make_person(tenant, region, *, name="张三", id_number=ID_A, phone="13812345678", note=None) -> Person:
    with tenant_context(tenant):
        person = Person(tenant=tenant, region=region, name=name, id_number=id_number, phone=phone, note=note)
        person.full_clean()
        person.save()
    return person
