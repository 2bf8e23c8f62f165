"""kubectl describe pod layout, and the Go tabwriter it relies on."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from status_builders import NOW, container, exited, from_fixture, pod, running

from tui.status.describe import describe_pod, describe_probe, field_value, resource_value
from tui.status.events import EventRecorder, container_field_path
from tui.status.pod_status import build_pod_object
from tui.status.tabwriter import PrefixWriter, align

SECRET_VALUE = "s3cr3t-hunter2"

SIMPLE_GOLDEN = (
    "Name:         web\n"
    "Namespace:    default\n"
    "Priority:     0\n"
    "Node:         podtui/127.0.0.1\n"
    "Start Time:   Fri, 02 Jan 2026 02:54:05 +0000\n"
    "Labels:       app=web\n"
    "Annotations:  <none>\n"
    "Status:       Running\n"
    "IP:           10.88.0.7\n"
    "IPs:\n"
    "  IP:  10.88.0.7\n"
    "Containers:\n"
    "  web:\n"
    "    Container ID:   podman://0123abcd\n"
    "    Image:          busybox\n"
    "    Image ID:       localhost/podtui/busybox@sha256:191e\n"
    "    Port:           80/TCP\n"
    "    Host Port:      0/TCP\n"
    "    State:          Running\n"
    "      Started:      Fri, 02 Jan 2026 02:59:05 +0000\n"
    "    Ready:          True\n"
    "    Restart Count:  0\n"
    "    Environment:    <none>\n"
    "    Mounts:\n"
    "      /data from data (rw)\n"
    "Conditions:\n"
    "  Type                        Status\n"
    "  PodReadyToStartContainers   True \n"
    "  Initialized                 True \n"
    "  Ready                       True \n"
    "  ContainersReady             True \n"
    "  PodScheduled                True \n"
    "Volumes:\n"
    "  data:\n"
    "    Type:        EmptyDir (a temporary directory that shares a pod's lifetime)\n"
    "    Medium:      \n"
    "    SizeLimit:   <unset>\n"
    "QoS Class:       BestEffort\n"
    "Node-Selectors:  <none>\n"
    "Tolerations:     <none>\n"
    "Events:          <none>\n"
)


def test_align_matches_go_tabwriter_blocks() -> None:
    text = "a:\tx\nlonger:\ty\nbreak\nz:\tw\n"
    assert align(text) == "a:       x\nlonger:  y\nbreak\nz:  w\n"


def test_align_pads_terminated_cells_only() -> None:
    # The cell after the last tab is never padded; an empty terminated cell is.
    assert align("k:\t\nkey:\tv\n") == "k:    \nkey:  v\n"
    assert align("a\tb\tc\naa\tb\n") == "a   b  c\naa  b\n"


def test_align_nested_columns() -> None:
    text = "  Type\tReason\tAge\n  ----\t------\t---\n  Normal\tPulled\t5s\n"
    assert align(text) == ("  Type    Reason  Age\n  ----    ------  ---\n  Normal  Pulled  5s\n")


def test_prefix_writer_flush_separates_blocks() -> None:
    w = PrefixWriter()
    w.write(0, "long label:\tx\n")
    w.flush()
    w.write(1, "a:\ty\n")
    assert w.render() == "long label:  x\n  a:  y\n"


def simple_pod() -> dict[str, Any]:
    extra = {
        "web": {
            "ports": [{"containerPort": 80, "protocol": "TCP"}],
            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
        }
    }
    record = pod(
        container("web", current=running()),
        container_extra=extra,
        spec_extra={"volumes": [{"name": "data", "emptyDir": {}}]},
    )
    obj = build_pod_object(record, NOW)
    obj["status"]["containerStatuses"][0]["containerID"] = "podman://0123abcd"
    obj["status"]["containerStatuses"][0]["imageID"] = "localhost/podtui/busybox@sha256:191e"
    return obj


def test_simple_pod_golden() -> None:
    assert describe_pod(simple_pod(), [], NOW) == SIMPLE_GOLDEN


def test_times_follow_the_zone_of_now() -> None:
    text = describe_pod(simple_pod(), [], NOW.astimezone(timezone(timedelta(hours=2))))
    assert "Start Time:   Fri, 02 Jan 2026 04:54:05 +0200\n" in text


def rich_pod() -> dict[str, Any]:
    extra = {
        "web": {
            "command": ["sh", "-c"],
            "args": ["httpd -f\n-p 80"],
            "ports": [
                {"containerPort": 80, "hostPort": 8080, "protocol": "TCP", "name": "http"},
                {"containerPort": 443, "protocol": "TCP"},
            ],
            "env": [
                {
                    "name": "PASSWORD",
                    "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}},
                },
                {
                    "name": "LEVEL",
                    "valueFrom": {
                        "configMapKeyRef": {"name": "cfg", "key": "level", "optional": True}
                    },
                },
                {
                    "name": "POD_NAME",
                    "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
                },
                {
                    "name": "MEM",
                    "valueFrom": {
                        "resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}
                    },
                },
                {
                    "name": "CPU_REQ",
                    "valueFrom": {
                        "resourceFieldRef": {"resource": "requests.cpu", "divisor": "1m"}
                    },
                },
                {"name": "PLAIN", "value": "hello"},
            ],
            "envFrom": [
                {"secretRef": {"name": "creds"}},
                {"configMapRef": {"name": "cfg"}, "prefix": "CFG_"},
            ],
            "resources": {
                "limits": {"memory": "64Mi", "cpu": "250m"},
                "requests": {"memory": "64Mi", "cpu": "250m"},
            },
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/ok"]}, "periodSeconds": 5},
            "readinessProbe": {
                "httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"},
                "initialDelaySeconds": 0,
                "timeoutSeconds": 1,
                "periodSeconds": 10,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
            "startupProbe": {"tcpSocket": {"port": 80}, "failureThreshold": 30},
            "volumeMounts": [
                {"name": "secret-vol", "mountPath": "/etc/secret", "readOnly": True},
                {"name": "data", "mountPath": "/data", "subPath": "web"},
            ],
        }
    }
    oom = from_fixture(
        "oom_killed",
        oom_killed=True,
        started_at=NOW - timedelta(minutes=3),
        finished_at=NOW - timedelta(minutes=2),
    )
    record = pod(
        container("setup", "init", current=exited("setup", 0)),
        container("proxy", "sidecar", current=running("proxy")),
        container("web", current=running(), previous=oom, restarts=1),
        container_extra=extra,
        manifest="/m/web.yaml",
        spec_extra={
            "volumes": [
                {"name": "data", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                {"name": "secret-vol", "secret": {"secretName": "db"}},
                {"name": "claim", "persistentVolumeClaim": {"claimName": "pvc1"}},
                {"name": "host", "hostPath": {"path": "/srv", "type": "Directory"}},
                {"name": "weird", "nfs": {"server": "x"}},
            ],
            "tolerations": [
                {"operator": "Exists"},
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
            "nodeSelector": {"disk": "ssd"},
        },
    )
    return build_pod_object(record, NOW)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_rich_pod_key_lines() -> None:
    recorder = EventRecorder()
    recorder.record(
        "default",
        "web",
        "Scheduled",
        "Successfully assigned default/web to podtui",
        at=NOW - timedelta(minutes=10),
    )
    for second in (60, 50, 40):
        recorder.record(
            "default",
            "web",
            "Unhealthy",
            "Readiness probe failed: connection refused",
            field_path=container_field_path("app", "web"),
            at=NOW - timedelta(seconds=second),
        )
    text = describe_pod(rich_pod(), recorder.events_for("default", "web"), NOW)
    got = lines(text)
    expected_lines = [
        "Node:         podtui/127.0.0.1",
        "Annotations:  podtui.io/manifest: /m/web.yaml",
        "Init Containers:",
        "  setup:",
        "Containers:",
        "    Ports:         80/TCP (http), 443/TCP",
        "    Host Ports:    8080/TCP (http), 0/TCP",
        "    Command:",
        "      sh",
        "      -c",
        "    Args:",
        "      httpd -f",
        "      -p 80",
        "    State:          Running",
        "    Last State:     Terminated",
        "      Reason:       OOMKilled",
        "      Exit Code:    137",
        "      Started:      Fri, 02 Jan 2026 03:01:05 +0000",
        "      Finished:     Fri, 02 Jan 2026 03:02:05 +0000",
        "    Restart Count:  1",
        # "Requests:" has no tab, so it ends the Limits block (as in kubectl's output).
        "    Limits:",
        "      cpu:     250m",
        "      memory:  64Mi",
        "    Requests:",
        "      cpu:      250m",
        "      memory:   64Mi",
        "    Liveness:   exec [cat /tmp/ok] delay=0s timeout=1s period=5s #success=1 #failure=3",
        "    Readiness:  http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3",
        "    Startup:    tcp-socket :80 delay=0s timeout=1s period=10s #success=1 #failure=30",
        "    Environment Variables from:",
        "      creds  Secret                        Optional: false",
        "      cfg    ConfigMap with prefix 'CFG_'  Optional: false",
        "    Environment:",
        "      PASSWORD:  <set to the key 'password' in secret 'db'>    Optional: false",
        "      LEVEL:     <set to the key 'level' of config map 'cfg'>  Optional: true",
        "      POD_NAME:  web (v1:metadata.name)",
        "      MEM:       64 (limits.memory)",
        "      CPU_REQ:   250 (requests.cpu)",
        "      PLAIN:     hello",
        "    Mounts:",
        '      /data from data (rw,path="web")',
        "      /etc/secret from secret-vol (ro)",
        "    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        "    ClaimName:  pvc1",
        "  weird:",
        "  <unknown>",
        "QoS Class:       Burstable",
        "Node-Selectors:  disk=ssd",
        "Tolerations:     op=Exists",
        "                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
        "Events:",
        "  Type     Reason     Age                From    Message",
        "  ----     ------     ----               ----    -------",
        "  Normal   Scheduled  10m                podtui  Successfully assigned default/web to podtui",
        "  Warning  Unhealthy  40s (x3 over 60s)  podtui  Readiness probe failed: connection refused",
    ]
    missing = [line for line in expected_lines if line not in got]
    assert not missing, "\n".join(missing)
    # Sections come in kubectl's order.
    order = [
        "Name:",
        "Init Containers:",
        "Containers:",
        "Conditions:",
        "Volumes:",
        "QoS Class:",
        "Events:",
    ]
    positions = [next(i for i, line in enumerate(got) if line.startswith(title)) for title in order]
    assert positions == sorted(positions)


def test_secret_values_never_appear() -> None:
    obj = rich_pod()
    # Even a value the engine resolved elsewhere must not leak through describe.
    obj["spec"]["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"]["value"] = SECRET_VALUE
    text = describe_pod(obj, [], NOW)
    assert SECRET_VALUE not in text
    assert "<set to the key 'password' in secret 'db'>" in text
    assert "SecretName:  db" in text


def test_terminating_status() -> None:
    record = pod(
        container("web", current=running()),
        terminating=True,
        deletion_started_at=NOW - timedelta(seconds=5),
    )
    got = lines(describe_pod(build_pod_object(record, NOW), [], NOW))
    # deletionTimestamp is request + grace period; kubectl's "lasts" is time since it.
    assert "Status:                    Terminating (lasts <invalid>)" in got
    assert "Termination Grace Period:  30s" in got
    later = lines(
        describe_pod(
            build_pod_object(record, NOW + timedelta(minutes=2)), [], NOW + timedelta(minutes=2)
        )
    )
    assert "Status:                    Terminating (lasts 95s)" in later


def test_crash_loop_state() -> None:
    record = pod(container("web", current=exited("web", 1), waiting="CrashLoopBackOff", restarts=2))
    got = lines(describe_pod(build_pod_object(record, NOW), [], NOW))
    assert "Status:       Running" in got
    assert "    State:          Waiting" in got
    assert "      Reason:       CrashLoopBackOff" in got
    assert "    Last State:     Terminated" in got


def test_pod_without_ip_or_start_time() -> None:
    record = pod(container("web"), pod_ip=None, start_time=None)
    got = lines(describe_pod(build_pod_object(record, NOW), [], NOW))
    assert "IPs:          <none>" in got
    assert not any(line.startswith("Start Time:") for line in got)
    assert "    State:          Waiting" in got
    assert "      Reason:       ContainerCreating" in got


def test_start_error_message_is_shown() -> None:
    broken = from_fixture("start_failed", error="exec: no-such-command: not found")
    got = lines(describe_pod(build_pod_object(pod(container("web", current=broken)), NOW), [], NOW))
    assert "      Reason:       StartError" in got
    assert "      Message:      exec: no-such-command: not found" in got
    assert "      Exit Code:    128" in got
    assert "      Started:      Mon, 01 Jan 0001 00:00:00 +0000" in got


def test_describe_probe_formats() -> None:
    assert describe_probe(
        {"httpGet": {"port": "http", "path": "/healthz", "host": "::1", "scheme": "HTTPS"}}
    ) == (
        "http-get https://[::1]:http/healthz delay=0s timeout=1s period=10s #success=1 #failure=3"
    )
    assert describe_probe({"grpc": {"port": 9000}}).startswith("grpc <pod>:9000  delay=0s")
    assert describe_probe({}).startswith("unknown delay=0s")


def test_field_value_and_resource_value() -> None:
    obj = rich_pod()
    assert field_value(obj, "metadata.namespace") == "default"
    assert field_value(obj, "metadata.labels['app']") == "web"
    assert field_value(obj, "status.podIP") == "10.88.0.7"
    assert field_value(obj, "spec.nodeName") == "podtui"
    web = obj["spec"]["containers"][0]
    assert resource_value(web, "limits.cpu") == "1"  # rounded up to whole cores
    assert resource_value(web, "limits.memory") == str(64 * 1024 * 1024)
    assert resource_value({}, "limits.cpu") == "0"
