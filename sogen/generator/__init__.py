"""The generator: a topology in, every artifact out (plan, templates, runbook)."""
