"""Staff UI and portal URLs of the registry (filled by the UI work)."""

app_name = "orgs"
urlpatterns: list = []
