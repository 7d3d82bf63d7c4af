"""The batch-file analysis core: parser, IR, control flow, cluster events, interpreter."""
