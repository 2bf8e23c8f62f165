"""The kubectl-style command line, built on the same engine as the app."""
