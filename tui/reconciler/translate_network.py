"""Pod networking: namespaces, hostname, DNS names on the Podman network, DNS policy.

Pods join ``settings.network`` (DNS enabled) with the aliases ``{name}.{namespace}`` and
``{name}.{namespace}.svc``, and the search domain ``{namespace}``, so a bare ``{name}``
resolves within its namespace only, as a Service name does in Kubernetes. There is
deliberately no bare-name alias, not even for ``default``: with it, ``web`` would resolve
from every namespace (the search list is tried first, then the bare name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.reconciler.translate_base import TranslationError, as_dict, as_list, refuse_unknown

MAX_HOSTNAME = 63


@dataclass
class NetworkPlan:
    """The network part of the pod body, and what create_pod must finish at run time."""

    body: dict[str, Any] = field(default_factory=dict)
    network: str | None = None
    cluster_dns_extra: list[str] = field(default_factory=list)
    host_dns: bool = False
    warnings: list[str] = field(default_factory=list)


def pod_hostname(meta: dict[str, Any], spec: dict[str, Any]) -> tuple[str, str | None]:
    """(hostname, FQDN or None) as the kubelet computes them (GeneratePodHostNameAndDomain)."""
    hostname = str(spec.get("hostname") or meta.get("name") or "")
    if len(hostname) > MAX_HOSTNAME:
        hostname = hostname[:MAX_HOSTNAME].rstrip("-.")
    subdomain = spec.get("subdomain")
    fqdn = f"{hostname}.{subdomain}.{meta.get('namespace')}.svc" if subdomain else None
    return hostname, fqdn


def network_plan(meta: dict[str, Any], spec: dict[str, Any], network: str) -> NetworkPlan:
    """Namespaces, hostname, aliases, DNS and host aliases of the pod."""
    plan = NetworkPlan()
    name, namespace = str(meta.get("name")), str(meta.get("namespace"))
    host_network = spec.get("hostNetwork") is True
    shared = ["net", "ipc", "uts"]
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is not True:
        shared.append("pid")
    plan.body["shared_namespaces"] = shared
    hostname, fqdn = pod_hostname(meta, spec)
    if spec.get("setHostnameAsFQDN") is True:
        if fqdn is None:
            plan.warnings.append("spec.setHostnameAsFQDN: no effect without spec.subdomain")
        elif len(fqdn) > MAX_HOSTNAME + 1:
            raise TranslationError(
                "spec.setHostnameAsFQDN", f"FQDN {fqdn} is too long (64 characters is the max)"
            )
        else:
            hostname = fqdn
    if host_network:
        plan.body["netns"] = {"nsmode": "host"}
        plan.body["utsns"] = {"nsmode": "host"}  # hostNetwork pods keep the node's hostname
    else:
        aliases = [f"{name}.{namespace}", f"{name}.{namespace}.svc"]
        if fqdn:
            aliases += [fqdn.removesuffix(".svc"), fqdn]
        plan.network = network
        plan.body["hostname"] = hostname
        plan.body["Networks"] = {network: {"aliases": list(dict.fromkeys(aliases))}}
    _dns(plan, spec, namespace, host_network)
    if host_network and spec.get("hostAliases"):
        raise TranslationError(
            "spec.hostAliases",
            "cannot be honoured with hostNetwork: Podman gives host-network pods the host's /etc/hosts",
        )
    hosts = []
    for index, alias in enumerate(as_list(spec.get("hostAliases"))):
        refuse_unknown(alias, ("ip", "hostnames"), f"spec.hostAliases[{index}]")
        hosts += [f"{host}:{alias.get('ip')}" for host in as_list(alias.get("hostnames"))]
    if hosts:
        plan.body["hostadd"] = hosts
    return plan


def _dns(plan: NetworkPlan, spec: dict[str, Any], namespace: str, host_network: bool) -> None:
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    config = as_dict(spec.get("dnsConfig"))
    refuse_unknown(config, ("nameservers", "searches", "options"), "spec.dnsConfig")
    if policy not in ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"):
        raise TranslationError("spec.dnsPolicy", f'unsupported value "{policy}"')
    if host_network:
        # Podman 4.3 bind-mounts the host's resolv.conf into host-network pods, whatever the
        # pod's DNS settings say (verified): anything beyond that cannot be honoured.
        if config or policy == "None":
            raise TranslationError(
                "spec.dnsConfig" if config else "spec.dnsPolicy",
                "cannot be honoured with hostNetwork: Podman gives host-network pods the host's resolv.conf",
            )
        if policy == "ClusterFirstWithHostNet":
            plan.warnings.append(
                "spec.dnsPolicy: ClusterFirstWithHostNet: the host's resolvers are used; "
                "pod names do not resolve on the host network"
            )
        return
    servers = [str(s) for s in as_list(config.get("nameservers"))]
    searches = [str(s) for s in as_list(config.get("searches"))]
    options = []
    for index, option in enumerate(as_list(config.get("options"))):
        refuse_unknown(option, ("name", "value"), f"spec.dnsConfig.options[{index}]")
        value = option.get("value")
        options.append(
            f"{option.get('name')}:{value}" if value not in (None, "") else str(option.get("name"))
        )
    if policy == "None":
        plan.body["dns_server"] = servers
    elif policy == "Default":
        plan.host_dns = True  # the node's resolvers (create_pod reads resolv.conf), then dnsConfig
        plan.cluster_dns_extra = servers
    else:
        plan.cluster_dns_extra = servers  # after Podman's DNS, which resolves pod names
        searches = [namespace, *searches]
    if searches:
        plan.body["dns_search"] = list(dict.fromkeys(searches))
    if options:
        plan.body["dns_option"] = options
