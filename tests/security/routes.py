"""Every route the project serves: the URL resolver's patterns (through every include) and the
operations of the OpenAPI schema, as drf-spectacular generates it. Nothing here is listed by
hand, so a route added tomorrow shows up in the permission matrix on its own."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Route:
    key: str  # the route as written in urls.py, e.g. "portal/exports/<slug:slug>/"
    name: str  # "namespace:name", or "" when unnamed
    kwargs: tuple[str, ...]
    parts: tuple  # (kind, text) pieces: ("text", "portal/"), ("kwarg", "slug")


def _pattern_parts(pattern) -> list:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$")
        parts, position = [], 0
        for match in re.finditer(r"\(\?P<(\w+)>", text):
            if match.start() < position:
                continue
            parts.append(("text", text[position : match.start()]))
            depth, end = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            parts.append(("kwarg", match.group(1)))
            position = end
        parts.append(("text", text[position:]))
        return [(kind, value.replace("\\", "")) for kind, value in parts]
    parts, position = [], 0
    for match in re.finditer(r"<(?:\w+:)?(\w+)>", text):
        parts.append(("text", text[position : match.start()]))
        parts.append(("kwarg", match.group(1)))
        position = match.end()
    parts.append(("text", text[position:]))
    return parts


def _walk(patterns, prefix_parts, namespace):
    for entry in patterns:
        parts = prefix_parts + _pattern_parts(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, parts, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            key = "".join(value if kind == "text" else f"<{value}>" for kind, value in parts)
            kwargs = tuple(value for kind, value in parts if kind == "kwarg")
            yield Route(key=key, name=name, kwargs=kwargs, parts=tuple(parts))


def url_routes() -> list[Route]:
    """Every URL pattern, keyed by its full route (with converters shortened to <name>)."""
    routes, seen = [], set()
    for route in _walk(get_resolver().url_patterns, [], ""):
        if route.key not in seen:
            seen.add(route.key)
            routes.append(route)
    return routes


def build_path(route: Route, values: dict) -> str:
    """The route with each kwarg filled: `values[f"{name}.{kwarg}"]`, then `values[name]` for a
    route's only UUID (public_id), then `values[kwarg]`."""
    out = []
    for kind, value in route.parts:
        if kind == "text":
            out.append(value)
            continue
        for candidate in (f"{route.name}.{value}", route.name, value):
            if candidate in values and (candidate != route.name or value == "public_id"):
                out.append(str(values[candidate]))
                break
        else:
            raise KeyError(f"no value for <{value}> of {route.key} ({route.name})")
    return "/" + "".join(out)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as in the schema: /api/v1/exports/{public_id}/
    operation_id: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def api_operations() -> list[Operation]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.append(Operation(method.upper(), path, operation["operationId"]))
    return operations


def fill_api_path(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[f"api {path}.{m.group(1)}"]), path)
