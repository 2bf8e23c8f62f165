"""String formats the API server checks (k8s.io/apimachinery/pkg/util/validation).

Each ``is_*`` function returns the list of reasons a value is invalid (empty when valid),
worded as Kubernetes words them, so rules can turn each reason into one Invalid value.
"""

from __future__ import annotations

import base64
import binascii
import re

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
LABEL_VALUE_MAX = 63
QUALIFIED_NAME_MAX = 63
PORT_NAME_MAX = 15

_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_FMT = _LABEL_FMT + "(\\." + _LABEL_FMT + ")*"
_QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _QUALIFIED_FMT + ")?"
_ENV_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_HEADER_FMT = "[-A-Za-z0-9]+"

_LABEL_RE = re.compile(f"^{_LABEL_FMT}\\Z")
_SUBDOMAIN_RE = re.compile(f"^{_SUBDOMAIN_FMT}\\Z")
_QUALIFIED_RE = re.compile(f"^{_QUALIFIED_FMT}\\Z")
_LABEL_VALUE_RE = re.compile(f"^{_LABEL_VALUE_FMT}\\Z")
_ENV_RE = re.compile(f"^{_ENV_FMT}\\Z")
_CONFIG_KEY_RE = re.compile(f"^{_CONFIG_KEY_FMT}\\Z")
_HEADER_RE = re.compile(f"^{_HEADER_FMT}\\Z")
_PORT_NAME_CHARS_RE = re.compile("^[-a-z0-9]+\\Z")
_HAS_LETTER_RE = re.compile("[a-z]")


def max_len_error(length: int) -> str:
    """MaxLenError's wording."""
    return f"must be no more than {length} characters"


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """RegexError's wording: the rule, examples, and the regex used."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    # Kubernetes joins examples as "'a',  or 'b', " (two spaces); keep its exact wording.
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{fmt}')"


def inclusive_range_error(low: int, high: int) -> str:
    """InclusiveRangeError's wording."""
    return f"must be between {low} and {high}, inclusive"


_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character"
)
_QUALIFIED_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character"
)
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character"
)
_ENV_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', "
    "'-', or '.', and must not start with a digit"
)
_CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_HEADER_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'"


def is_dns1123_label(value: str) -> list[str]:
    """Container, volume and port names, namespaces: a DNS-1123 label."""
    errors: list[str] = []
    if len(value) > DNS1123_LABEL_MAX:
        errors.append(max_len_error(DNS1123_LABEL_MAX))
    if not _LABEL_RE.match(value):
        if _SUBDOMAIN_RE.match(value):
            errors.append("must not contain dots")
        else:
            errors.append(regex_error(_LABEL_MSG, _LABEL_FMT, "my-name", "123-abc"))
    return errors


def is_dns1123_subdomain(value: str) -> list[str]:
    """Object names (Pods, ConfigMaps, Secrets, PVCs): a DNS-1123 subdomain."""
    errors: list[str] = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errors.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _SUBDOMAIN_RE.match(value):
        errors.append(regex_error(_SUBDOMAIN_MSG, _SUBDOMAIN_FMT, "example.com"))
    return errors


def is_qualified_name(value: str) -> list[str]:
    """Label and annotation keys: ``[prefix/]name`` with a DNS subdomain prefix."""
    errors: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + msg for msg in is_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key "
            + regex_error(_QUALIFIED_MSG, _QUALIFIED_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errors.append("name part " + max_len_error(QUALIFIED_NAME_MAX))
    if not _QUALIFIED_RE.match(name):
        errors.append(
            "name part "
            + regex_error(_QUALIFIED_MSG, _QUALIFIED_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def is_label_value(value: str) -> list[str]:
    """Label values: empty, or a qualified-name-like string of at most 63 characters."""
    errors: list[str] = []
    if len(value) > LABEL_VALUE_MAX:
        errors.append(max_len_error(LABEL_VALUE_MAX))
    if not _LABEL_VALUE_RE.match(value):
        errors.append(
            regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345")
        )
    return errors


def _chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_env_var_name(value: str) -> list[str]:
    """Environment variable names (and envFrom prefixes)."""
    errors: list[str] = []
    if not _ENV_RE.match(value):
        errors.append(regex_error(_ENV_MSG, _ENV_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
    errors.extend(_chdir_prefix(value))
    return errors


def is_config_map_key(value: str) -> list[str]:
    """Keys of ConfigMap and Secret data, and the keys env and volumes pick from them."""
    errors: list[str] = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errors.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _CONFIG_KEY_RE.match(value):
        errors.append(
            regex_error(_CONFIG_KEY_MSG, _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name")
        )
    errors.extend(_chdir_prefix(value))
    return errors


def is_port_name(value: str) -> list[str]:
    """Named ports: an IANA service name (RFC 6335), lower case only."""
    errors: list[str] = []
    if len(value) > PORT_NAME_MAX:
        errors.append(max_len_error(PORT_NAME_MAX))
    if not _PORT_NAME_CHARS_RE.match(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER_RE.search(value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def is_port_number(value: int) -> list[str]:
    """Port numbers: 1 to 65535."""
    return [] if 1 <= value <= 65535 else [inclusive_range_error(1, 65535)]


def is_http_header_name(value: str) -> list[str]:
    """HTTP header names in httpGet probes."""
    if _HEADER_RE.match(value):
        return []
    return [regex_error(_HEADER_MSG, _HEADER_FMT, "X-Header-Name")]


def base64_error(text: str) -> str | None:
    """None if ``text`` decodes as standard base64 (newlines ignored, as Go does), else why not."""
    cleaned = text.replace("\n", "").replace("\r", "")
    try:
        base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        return f"illegal base64 data: {exc}"
    return None
