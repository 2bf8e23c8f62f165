"""Adapt the manifest module's ObjectIndex to what translation looks objects up with."""

from __future__ import annotations

from typing import Any

from tui.manifest import ObjectIndex


class IndexLookup:
    """``ObjectLookup`` over the folder's ConfigMaps, Secrets and PVCs (defaulted objects)."""

    def __init__(self, index: ObjectIndex) -> None:
        self.index = index

    def config_map(self, namespace: str, name: str) -> dict[str, Any] | None:
        document = self.index.config_maps.get((namespace, name))
        return document.obj if document is not None else None

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        document = self.index.secrets.get((namespace, name))
        return document.obj if document is not None else None

    def persistent_volume_claim(self, namespace: str, name: str) -> dict[str, Any] | None:
        document = self.index.claims.get((namespace, name))
        return document.obj if document is not None else None
