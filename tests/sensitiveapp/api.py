"""A detail API over the test model: masked by default, ``?reveal=id_number`` for permitted roles."""

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.models import Role
from governance.selectors import get_object_for_user_or_404, scope_to_user
from governance.sensitive.serializers import SensitiveSerializerField
from tests.sensitiveapp.models import Person

REVEALABLE = {"name", "id_number", "phone"}


class PersonOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = SensitiveSerializerField(kind="name")
    id_number = SensitiveSerializerField(kind="id_number")
    phone = SensitiveSerializerField(kind="phone")


def person_get_for_user(*, user, pk) -> Person:
    roles = [Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF]
    return get_object_for_user_or_404(scope_to_user(Person.objects.all(), user, roles=roles), pk=pk)


class PersonDetailView(APIView):
    def get(self, request, pk):
        person = person_get_for_user(user=request.user, pk=pk)
        reveal = {name for name in request.query_params.get("reveal", "").split(",") if name in REVEALABLE}
        return Response(PersonOutputSerializer(person, context={"request": request, "reveal": reveal}).data)
