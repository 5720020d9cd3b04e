"""The app's reveal predicate: tenant admins, and street staff inside their jurisdiction."""

from governance.models import Role
from governance.permissions import has_role
from governance.selectors import scope_to_user


def can_reveal_person(user, person) -> bool:
    if has_role(user, Role.TENANT_ADMIN):
        return True
    if not has_role(user, Role.STREET_STAFF):
        return False
    from tests.sensitiveapp.models import Person

    return scope_to_user(Person.objects.filter(pk=person.pk), user, roles=[Role.STREET_STAFF]).exists()
