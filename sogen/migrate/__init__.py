"""Import legacy scripts into a topology, and migrate them with a behaviour diff."""
