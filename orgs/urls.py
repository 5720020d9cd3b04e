"""Staff UI and portal URLs of the registry.

Two modules, so the registry pages and the workflow/portal pages can grow independently.
"""

from orgs.urls_registry import urlpatterns as registry_urls
from orgs.urls_workflow import urlpatterns as workflow_urls

app_name = "orgs"
urlpatterns = [*registry_urls, *workflow_urls]
