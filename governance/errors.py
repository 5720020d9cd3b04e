"""Error pages: JSON envelopes under /api/, Chinese pages extending base.html everywhere else.

Wired as ``handler400/403/404/500`` in ``governance.urls`` and as ``CSRF_FAILURE_VIEW``; Django calls them
for errors outside DRF's views (an unknown path, a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a CSRF
failure, an uncaught exception).
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from governance.api.errors import default_message, error_response


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _page(request, status_code: int, message: str = ""):
    """The envelope under /api/, else the ``<status>.html`` page (``message`` replaces its default text)."""
    if is_api(request):
        return error_response(status_code, message or None)
    return render(request, f"{status_code}.html", {"message": message}, status=status_code)


def bad_request_response(request, message: str):
    return _page(request, 400, message)


def uri_too_long_response(request):
    """414 for a query string over ``MAX_QUERY_STRING_LENGTH``: the envelope, or the 400 page's layout."""
    message = _("The address (query string) is too long.")
    if is_api(request):
        return error_response(414, message)
    return render(request, "400.html", {"message": message}, status=414)


@requires_csrf_token
def bad_request(request, exception=None):
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):
        return _page(request, 413 if is_api(request) else 400, default_message(413))
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, 404)


@requires_csrf_token
def csrf_failure(request, reason=""):
    return _page(request, 403, _("The form has expired or was sent from another site: reload the page and "
                                 "try again."))


def server_error(request):
    """A 500 must not fail itself: no context processors, no database, only the template and settings."""
    if is_api(request):
        return error_response(500)
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"platform_name": settings.PLATFORM_NAME}), status=500)
