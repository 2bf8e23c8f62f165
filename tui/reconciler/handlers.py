"""Run a probe or lifecycle handler: exec in the container, httpGet and tcpSocket from here.

httpGet and tcpSocket connect from the engine to the pod IP, as the kubelet does from the
node, so they work with images that have no curl or nc (podman healthchecks would need one).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import shutil
import socket
from dataclasses import dataclass
from typing import Any

from tui.podman.gateway import PodmanGateway

OUTPUT_LIMIT = 10 * 1024  # the kubelet keeps at most 10 KiB of probe output


@dataclass(frozen=True)
class HandlerResult:
    """Success or failure of one handler run, with what it printed or why it failed."""

    ok: bool
    output: str


def resolve_port(port: Any, container_spec: dict[str, Any]) -> int | None:
    """A numeric port, or a named containerPort looked up in the container spec."""
    if isinstance(port, int):
        return port
    if isinstance(port, str):
        if port.isdigit():
            return int(port)
        for item in container_spec.get("ports") or []:
            if item.get("name") == port:
                return int(item["containerPort"])
    return None


async def run_exec(
    gateway: PodmanGateway, container_id: str, command: list[str], timeout: float
) -> HandlerResult:
    """``exec`` in the container; exit status 0 is success.

    The local podman CLI is preferred over the API: exec sessions made through Podman
    4.3's API linger until the pod goes and then cost ~3 s each pod removal, while the
    CLI cleans its sessions up. The API is the fallback when there is no local binary.
    """
    podman = shutil.which("podman")
    if podman is not None and gateway.endpoint.source != "CONTAINER_HOST":
        return await _run_exec_cli(podman, gateway.podman_env, container_id, command, timeout)

    def run() -> tuple[int, bytes]:
        container = gateway.client.containers.get(container_id)
        code, output = container.exec_run(command, stdout=True, stderr=True)
        return int(code or 0), output if isinstance(output, bytes) else b""

    try:
        code, output = await asyncio.wait_for(gateway.call(run), timeout=timeout)
    except TimeoutError:
        return HandlerResult(False, f"command timed out after {timeout:g}s")
    except Exception as exc:  # noqa: BLE001 - a failing exec is a failing probe
        return HandlerResult(False, str(exc)[:OUTPUT_LIMIT])
    return _exec_result(command, code, output)


async def _run_exec_cli(
    podman: str, env: dict[str, str] | None, container_id: str, command: list[str], timeout: float
) -> HandlerResult:
    try:
        process = await asyncio.create_subprocess_exec(
            podman,
            "exec",
            container_id,
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
        )
    except OSError as exc:
        return HandlerResult(False, str(exc))
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return HandlerResult(False, f"command timed out after {timeout:g}s")
    return _exec_result(command, process.returncode or 0, output or b"")


def _exec_result(command: list[str], code: int, output: bytes) -> HandlerResult:
    text = output.decode(errors="replace")[:OUTPUT_LIMIT]
    if code != 0:
        return HandlerResult(
            False, f"command {command!r} exited with {code}: {text.strip()}".strip()
        )
    return HandlerResult(True, text)


def _http_get(
    host: str, port: int, path: str, scheme: str, headers: dict[str, str], timeout: float
) -> HandlerResult:
    connection: http.client.HTTPConnection
    if scheme.upper() == "HTTPS":
        import ssl

        context = ssl._create_unverified_context()  # noqa: S323 - the kubelet skips verification too
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    url = f"{scheme.lower()}://{host}:{port}{path}"
    try:
        connection.request("GET", path or "/", headers={"User-Agent": "kube-probe/1.37", **headers})
        response = connection.getresponse()
        body = response.read(OUTPUT_LIMIT).decode(errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        return HandlerResult(False, f'Get "{url}": {describe_socket_error(exc)}')
    finally:
        connection.close()
    if 200 <= response.status < 400:
        return HandlerResult(True, body)
    return HandlerResult(False, f"HTTP probe failed with statuscode: {response.status}")


def describe_socket_error(exc: BaseException) -> str:
    """Go-like wording for connection errors, as kubelet probe messages read."""
    if isinstance(exc, ConnectionRefusedError):
        return "dial tcp: connect: connection refused"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
    return str(exc) or type(exc).__name__


async def run_http_get(
    host: str, port: int, path: str, scheme: str, headers: dict[str, str], timeout: float
) -> HandlerResult:
    """GET ``scheme://host:port/path``; 200-399 is success (redirects count as success)."""
    return await asyncio.to_thread(_http_get, host, port, path, scheme, headers, timeout)


async def run_tcp(host: str, port: int, timeout: float) -> HandlerResult:
    """Open a TCP connection; connecting is success."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=timeout)
    except TimeoutError:
        return HandlerResult(False, f"dial tcp {host}:{port}: i/o timeout")
    except OSError as exc:
        return HandlerResult(False, f"dial tcp {host}:{port}: {describe_socket_error(exc)}")
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return HandlerResult(True, "")


async def run_handler(
    handler: dict[str, Any],
    *,
    gateway: PodmanGateway,
    container_id: str,
    container_spec: dict[str, Any],
    pod_ip: str | None,
    timeout: float,
) -> HandlerResult:
    """Run whichever of exec, httpGet, tcpSocket the handler (probe or hook) declares."""
    if "exec" in handler:
        command = list((handler["exec"] or {}).get("command") or [])
        return await run_exec(gateway, container_id, command, timeout)
    if "httpGet" in handler:
        spec = handler["httpGet"] or {}
        port = resolve_port(spec.get("port"), container_spec)
        host = spec.get("host") or pod_ip or "127.0.0.1"
        if port is None:
            return HandlerResult(False, f"unknown port {spec.get('port')!r}")
        headers = {
            h["name"]: h.get("value", "") for h in spec.get("httpHeaders") or [] if h.get("name")
        }
        return await run_http_get(
            host, port, spec.get("path") or "/", spec.get("scheme") or "HTTP", headers, timeout
        )
    if "tcpSocket" in handler:
        spec = handler["tcpSocket"] or {}
        port = resolve_port(spec.get("port"), container_spec)
        if port is None:
            return HandlerResult(False, f"unknown port {spec.get('port')!r}")
        return await run_tcp(spec.get("host") or pod_ip or "127.0.0.1", port, timeout)
    if "sleep" in handler:
        seconds = float((handler["sleep"] or {}).get("seconds") or 0)
        await asyncio.sleep(min(seconds, timeout))  # the handler itself is a sleep (KEP-3960)
        return HandlerResult(True, "")
    if "grpc" in handler:
        return HandlerResult(False, "grpc probes are not supported by podtui")
    return HandlerResult(False, "no handler")
