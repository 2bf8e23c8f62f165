"""The Podman side: finding or starting the API service, runtime checks, images."""
