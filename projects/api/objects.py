"""Detail and action endpoints of one object (``/<pk>/`` and ``/<pk>/<action>/``), shared by the evaluation and
renewal APIs: the object comes from its access function (404 for missing and for forbidden alike), an action
validates its body with an ``InputSerializer``, calls one service and answers with the object read again.

A subclass names ``get_for_user`` (the selector's ``<entity>_get_for_user(user=, pk=)``) and ``render``
(object → response data) as static methods, an action ``input_serializer`` and ``perform``; its class
docstring is the operation's description, its responses are declared with ``extend_schema_view``.
"""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import APIView


class ObjectDetailView(APIView):
    get_for_user = None
    render = None

    def get_object(self, request, pk):
        return type(self).get_for_user(user=request.user, pk=pk)

    def get(self, request, pk):
        return Response(type(self).render(self.get_object(request, pk)))


class ObjectActionView(ObjectDetailView):
    http_method_names = ["post", "options"]
    input_serializer = None

    def perform(self, request, obj, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        obj = self.get_object(request, pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.perform(request, obj, data.validated_data)
        return Response(type(self).render(self.get_object(request, pk)))
