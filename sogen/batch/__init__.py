"""The batch-file analysis core: parser, IR, control flow, cluster events, interpreter."""

#: cmd.exe refuses longer command lines ("The input line is too long"); the parser reports
#: them, and the topology keeps every value it writes into a line well inside.
MAX_LINE = 8191
