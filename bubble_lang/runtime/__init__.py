"""The runtime (layer 6): what runs a compiled bot against messages (matching, values, sessions)."""
