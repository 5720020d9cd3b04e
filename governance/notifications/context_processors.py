"""The top bar's inbox link: only the URL of the badge, which htmx fetches after the page loaded, so no
page pays a query for it (like the sidebar's badges)."""

from django.urls import reverse


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.tenant_id:
        return {}
    return {"inbox_badge_url": reverse("notifications:badge")}
