"""The topology file: model, loader with positions, and cross-field rules."""
