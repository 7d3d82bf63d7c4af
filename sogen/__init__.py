"""sogen: generate and lint CLUSTERPRO failover artifacts for StarOffice clusters."""

__version__ = "0.1.0"

# Exit status of every command: done (nothing found), findings (or a stale
# output under --check), bad input or I/O error.
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
