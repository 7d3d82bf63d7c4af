"""Windows registry patches (.reg): the reader every registry rule and the import share."""
