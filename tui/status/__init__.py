"""Podman state -> Kubernetes PodStatus, computed with the kubelet's rules."""
