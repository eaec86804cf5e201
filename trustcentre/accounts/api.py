"""The organisation API: the calling key's organisation and its members. Everything is read
from the key's organisation; nothing in the request can name another one."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from trustcentre.accounts.api_auth import ApiKeyAuthentication, IsApiClient, api_organisation
from trustcentre.accounts.models import Membership, Organisation
from trustcentre.lib.api import CursorPagination


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Organisation
        fields = ("id", "name", "slug", "kind")
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ("email", "full_name", "role", "joined_at")
        read_only_fields = fields


class MemberCursorPagination(CursorPagination):
    # joined_at never changes once set; the id only breaks ties between people who joined
    # in the same microsecond, so the order is total and stable.
    ordering = ("joined_at", "id")


class _OrganisationApiView:
    # Keys only: these answer for an organisation, not for a person signed in in a browser.
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsApiClient]


@extend_schema(
    tags=["organisation"],
    summary="The API key's organisation",
    description="The organisation the key belongs to.",
)
class OrganisationDetail(_OrganisationApiView, generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer

    def get_object(self):
        return api_organisation(self.request)


@extend_schema(
    tags=["organisation"],
    summary="The organisation's members",
    description="Everyone who belongs to the key's organisation, oldest membership first, "
    "in pages of 50 (`page_size` up to 200); follow `next` for the following page.",
)
class OrganisationMemberList(_OrganisationApiView, generics.ListAPIView):
    serializer_class = MemberSerializer
    pagination_class = MemberCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request key
            return Membership.objects.none()
        return Membership.objects.filter(
            organisation=api_organisation(self.request)
        ).select_related("user")


urlpatterns = [
    path("organisation/", OrganisationDetail.as_view(), name="organisation"),
    path("organisation/members/", OrganisationMemberList.as_view(), name="organisation_members"),
]
