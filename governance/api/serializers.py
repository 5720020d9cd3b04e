from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.api.inputs import InputSerializer
from governance.models import Region, RoleAssignment, Tenant, User


class TenantOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ["id", "name", "slug", "root_code"]
        read_only_fields = fields


class RoleOutputSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display")
    region_id = serializers.IntegerField()
    region_name = serializers.CharField(source="region.name")
    region_code = serializers.CharField(source="region.code")

    class Meta:
        model = RoleAssignment
        fields = ["role", "role_display", "region_id", "region_name", "region_code"]
        read_only_fields = fields


class MeOutputSerializer(serializers.ModelSerializer):
    tenant = TenantOutputSerializer(allow_null=True)
    roles = RoleOutputSerializer(many=True)
    display_name = serializers.CharField(source="__str__")
    email = serializers.CharField(read_only=True, help_text=_("email address, or empty"))  # "" is no format: email

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "tenant", "roles"]
        read_only_fields = fields


class RegionOutputSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display")
    parent_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "parent_id", "level", "level_display", "code", "name", "path", "depth"]
        read_only_fields = fields


class TokenInputSerializer(InputSerializer):
    # Bounded: a longer username cannot exist, and django-axes stores it in a 255-character column.
    username = serializers.CharField(label=_("username"), max_length=150)
    password = serializers.CharField(label=_("password"), style={"input_type": "password"}, trim_whitespace=False,
                                     max_length=1024)
    name = serializers.CharField(label=_("token name"), max_length=100, required=False,
                                 help_text=_("What the token is for, shown in the user's token list."))


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("The key: shown only in this response."))
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    extra = serializers.DictField()
