"""Linting and tracing of batch scripts and registry patches."""
