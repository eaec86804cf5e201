"""GET /api/v1/documents/: the document library for anyone. A file link appears only on the
documents the caller may download now (an API key counts as anonymous: keys belong to an
organisation's integration, not to a person who accepted an NDA)."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from trustcentre.accounts.models import User
from trustcentre.documents.access import download_decision, granted_document_ids, nda_in_force
from trustcentre.documents.models import AccessLevel
from trustcentre.documents.views import download_url, library_documents
from trustcentre.lib.api import CursorPagination


class DocumentVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()

    class Meta:
        ref_name = "TrustDocumentVersion"


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField(source="category.name")
    access_level = serializers.ChoiceField(choices=AccessLevel.choices)
    current_version = DocumentVersionSerializer()
    url = serializers.SerializerMethodField(help_text="The document's page.")
    download_url = serializers.SerializerMethodField(
        help_text="A signed link that works for a few minutes, for this caller only; null "
        "unless the caller may download the document now."
    )

    class Meta:
        ref_name = "TrustDocument"

    def get_url(self, document) -> str:
        return settings.SITE_URL.rstrip("/") + f"/documents/{document.public_id}/"

    def get_download_url(self, document) -> str | None:
        viewer = self.context["viewer"]
        if not self._may_download(document, viewer):
            return None
        return settings.SITE_URL.rstrip("/") + download_url(document.current_version, viewer)

    def _may_download(self, document, viewer) -> bool:
        if document.access_level == AccessLevel.NDA:
            # One query for the whole page, then the full check only for granted documents.
            if "granted" not in self.context:
                self.context["granted"] = granted_document_ids(viewer)
            if document.pk not in self.context["granted"]:
                return False
            if "nda" not in self.context:
                self.context["nda"] = nda_in_force(viewer) is not None
            if not self.context["nda"]:
                return False
            return download_decision(viewer, document).allowed
        # Public, registered and private depend only on the level and the caller.
        by_level = self.context.setdefault("by_level", {})
        if document.access_level not in by_level:
            by_level[document.access_level] = download_decision(viewer, document).allowed
        return by_level[document.access_level]


class DocumentPagination(CursorPagination):
    ordering = "-created_at"


class DocumentList(generics.ListAPIView):
    """The documents of the trust centre (private ones only for staff)."""

    permission_classes = [AllowAny]
    serializer_class = DocumentSerializer
    pagination_class = DocumentPagination

    def viewer(self):
        user = self.request.user
        return user if isinstance(user, User) else AnonymousUser()

    def get_queryset(self):
        return library_documents(user=self.viewer()).order_by("-created_at")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.viewer()}


urlpatterns = [path("documents/", DocumentList.as_view(), name="document-list")]
