"""The command line: `sogen` and its commands (entry, fast paths, the Typer app)."""
