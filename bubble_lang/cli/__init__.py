"""The command line (layer 11): `bubble lint`, `bubble explain`, and the commands still to come."""
