"""Content-Security-Policy (django-csp): scripts only from our own origin, never inline.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings. Pages we do not write relax only the
style directive they need: the Django admin prints a small ``<style>`` element, Swagger UI and ReDoc
(served from local sidecar files) inject styles at run time, and ReDoc runs its search in a ``blob:``
worker. Scripts stay ``'self'`` everywhere (Swagger UI's start script is a separate file:
``SpectacularSwaggerSplitView``).
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

INLINE_STYLES = {"style-src": [UNSAFE_INLINE]}
RELAXED_PATHS = {
    "/admin/": INLINE_STYLES,
    "/api/docs/": INLINE_STYLES,
    "/api/redoc/": {**INLINE_STYLES, "worker-src": [SELF, "blob:"]},
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        for prefix, update in RELAXED_PATHS.items():
            if request.path_info.startswith(prefix) and parts.update is None:
                parts.update = update
        return parts
