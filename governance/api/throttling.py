"""API throttles keyed on the client address of ``governance.request_context.client_ip``.

DRF's own ``get_ident`` believes the whole X-Forwarded-For header unless ``NUM_PROXIES`` is set, so a
client sending a new header with each request was never throttled. Audit events, django-axes and
these throttles now share one rule: the trusted-proxy count (``DJANGO_TRUSTED_PROXY_COUNT``).
"""

from rest_framework import throttling

from governance.request_context import client_ip


class ClientIPMixin:
    def get_ident(self, request):
        return client_ip(request) or request.META.get("REMOTE_ADDR", "")


class ScopedRateThrottle(ClientIPMixin, throttling.ScopedRateThrottle):
    pass


class AnonRateThrottle(ClientIPMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientIPMixin, throttling.UserRateThrottle):
    pass
