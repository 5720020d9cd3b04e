"""A URLconf with one deliberately leaky page, to show that the isolation probe catches a leak."""

from django.http import Http404, HttpResponse
from django.urls import include, path

from governance.tenancy import all_tenants


def leaky_organization(request, pk):
    """What a view must never do: look an object up across tenants and show it."""
    from orgs.models import Organization

    with all_tenants():
        org = Organization.unscoped.filter(pk=pk).first()
    if org is None:
        raise Http404
    return HttpResponse(org.name)


urlpatterns = [
    path("leak/orgs/<int:pk>/", leaky_organization, name="leak-org"),
    path("", include("governance.urls")),
]
