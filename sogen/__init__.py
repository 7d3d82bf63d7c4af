"""sogen: generate and lint CLUSTERPRO failover artifacts for StarOffice clusters."""

__version__ = "0.1.0"
