from django.urls import path

from tests.sensitiveapp.api import PersonDetailView

urlpatterns = [path("api/v1/test-people/<int:pk>/", PersonDetailView.as_view(), name="test-person-detail")]
