"""The public Data Act register page and the JSON Schema of each category."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from exports.register import build_register, json_schema
from exports.sources import UnknownCategory, get_category
from trustcentre.pages.public_cache import public_page


@require_safe
@public_page
def register_page(request):
    return render(request, "exports/register.html", {"register": build_register()})


@require_safe
def category_schema(request, category_id):
    try:
        _source, category = get_category(category_id)
    except UnknownCategory:
        raise Http404("No such category.") from None
    response = JsonResponse(json_schema(category), json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/schema+json"
    return response
