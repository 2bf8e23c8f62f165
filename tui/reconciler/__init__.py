"""Spec -> Podman: the kubelet-like part that creates, supervises and removes pods."""
