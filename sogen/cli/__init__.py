"""The command line: `sogen` and its commands (declared in spec, parsed in parser, run from entry)."""
