"""Blank manifests to start a new file from, each valid as written once it has a name.

They use the offline demo image with ``imagePullPolicy: IfNotPresent`` so that a pod made
from one starts on a machine without a registry, and each keeps its main process alive
(and quick to stop) so that it shows Running rather than Completed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.config import DEMO_IMAGE

#: A loop that sleeps in short steps so SIGTERM (``kubectl delete``) ends it at once.
_LOOP = "trap 'exit 0' TERM; while true; do sleep 1; done"


@dataclass(frozen=True)
class Template:
    """A named blank manifest; ``{name}`` is replaced by the pod's name.

    ``{image}`` is the demo image and ``{loop}`` a main process that ends on SIGTERM.
    """

    key: str
    title: str
    description: str
    body: str

    def render(self, name: str) -> str:
        """The manifest text for a pod called ``name``."""
        text = self.body.replace("{loop}", _LOOP).replace("{image}", DEMO_IMAGE)
        return text.replace("{name}", name)


MINIMAL = Template(
    "minimal",
    "Minimal Pod",
    "one container on the demo image",
    """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  restartPolicy: Always
  containers:
    - name: {name}
      image: {image}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "{loop}"]
""",
)

WITH_CONFIG_MAP = Template(
    "config-map",
    "Pod with a ConfigMap",
    "a ConfigMap in the same file, used as environment and as files",
    """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
data:
  GREETING: hello
  app.conf: |
    level = info
---
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  restartPolicy: Always
  containers:
    - name: {name}
      image: {image}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo $GREETING; cat /etc/{name}/app.conf; {loop}"]
      env:
        - name: GREETING
          valueFrom:
            configMapKeyRef:
              name: {name}-config
              key: GREETING
      volumeMounts:
        - name: config
          mountPath: /etc/{name}
          readOnly: true
  volumes:
    - name: config
      configMap:
        name: {name}-config
        items:
          - key: app.conf
            path: app.conf
""",
)

WITH_SIDECAR = Template(
    "sidecar",
    "Pod with a sidecar and an emptyDir",
    "a writer and a sidecar that follows its file through a shared emptyDir",
    """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  restartPolicy: Always
  containers:
    - name: {name}
      image: {image}
      imagePullPolicy: IfNotPresent
      command:
        - sh
        - -c
        - trap 'exit 0' TERM; while true; do date >> /shared/out.log; sleep 1; done
      volumeMounts:
        - name: shared
          mountPath: /shared
    - name: tail
      image: {image}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "touch /shared/out.log; exec tail -F /shared/out.log"]
      volumeMounts:
        - name: shared
          mountPath: /shared
  volumes:
    - name: shared
      emptyDir: {}
""",
)

TEMPLATES: dict[str, Template] = {t.key: t for t in (MINIMAL, WITH_CONFIG_MAP, WITH_SIDECAR)}


def template_text(key: str, name: str) -> str:
    """The blank manifest ``key`` (see ``TEMPLATES``) for a pod called ``name``."""
    return TEMPLATES[key].render(name)
