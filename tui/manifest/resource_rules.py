"""Container resources (validateResourceRequirements): names, quantities, requests <= limits."""

from __future__ import annotations

from decimal import Decimal

from tui.manifest.formats import is_qualified_name
from tui.manifest.problems import FORBIDDEN, INVALID, REQUIRED, FieldPath, Findings, Key
from tui.manifest.quantity import QuantityError, format_quantity, parse_quantity
from tui.manifest.shapes import as_dict

STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")
NEGATIVE = "must be greater than or equal to 0"


def is_hugepages(name: str) -> bool:
    """``hugepages-2Mi`` and the like."""
    return name.startswith("hugepages-")


def is_native(name: str) -> bool:
    """Native resources: unprefixed, or in the kubernetes.io domain."""
    return "/" not in name or "kubernetes.io/" in name


def overcommit_allowed(name: str) -> bool:
    """Only native, non-hugepage resources may have requests below limits."""
    return is_native(name) and not is_hugepages(name)


def resource_name_errors(name: str) -> list[str]:
    """Why ``name`` is not a resource a container may ask for (empty when it is)."""
    errors = is_qualified_name(name)
    if errors:
        return errors
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not is_hugepages(name):
            return ["must be a standard resource for containers"]
    elif not is_native(name) and (
        name.startswith("requests.") or is_qualified_name("requests." + name)
    ):
        return ["doesn't follow extended resource name standard"]
    return []


def validate_resources(resources: object, path: FieldPath, findings: Findings) -> None:
    """Valid names and non-negative quantities; each request at most its limit."""
    body = as_dict(resources)
    if not body:
        return
    limits = _quantities(body.get("limits"), path + ("limits",), findings)
    requests = _quantities(body.get("requests"), path + ("requests",), findings)
    for name, (request, written) in requests.items():
        limit = limits.get(name)
        request_path = path + ("requests", Key(name))
        if limit is not None:
            if request != limit[0] and not overcommit_allowed(name):
                findings.add(
                    path + ("requests",),
                    INVALID,
                    written,
                    f"must be equal to {name} limit of {limit[1]}",
                    at=request_path,
                )
            elif request > limit[0]:
                findings.add(
                    path + ("requests",),
                    INVALID,
                    written,
                    f"must be less than or equal to {name} limit of {limit[1]}",
                    at=request_path,
                )
        elif not overcommit_allowed(name):
            findings.add(
                path + ("limits",),
                REQUIRED,
                None,
                "Limit must be set for non overcommitable resources",
                at=request_path,
            )
    names = set(limits) | set(requests)
    if any(is_hugepages(n) for n in names) and not names & {"cpu", "memory"}:
        findings.add(path, FORBIDDEN, None, "HugePages require cpu or memory")


def _quantities(
    values: object, path: FieldPath, findings: Findings
) -> dict[str, tuple[Decimal, str]]:
    """Parse a limits/requests map, reporting bad names and negative or fractional counts."""
    parsed: dict[str, tuple[Decimal, str]] = {}
    if type(values) is not dict:
        return parsed
    for name, value in values.items():
        here = path + (Key(name),)
        for message in resource_name_errors(name):
            findings.add(here, INVALID, name, message, on_key=True)
        try:
            quantity = parse_quantity(value)
        except QuantityError:
            continue  # the schema check reported it
        written = format_quantity(value)
        if quantity < 0:
            findings.add(here, INVALID, written, NEGATIVE)
        if not is_native(name) and quantity != quantity.to_integral_value():
            findings.add(here, INVALID, written, "must be an integer")
        parsed[name] = (quantity, written)
    return parsed
