"""sogen: generate and lint CLUSTERPRO failover artifacts for StarOffice clusters."""

__version__ = "0.1.0"

# Exit status of every command: done (nothing found), findings (or a stale
# output under --check), bad input or I/O error, a bug in sogen.
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
