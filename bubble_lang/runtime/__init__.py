"""The runtime (layer 6): values, errors, matching, and what the VM uses at run time."""
