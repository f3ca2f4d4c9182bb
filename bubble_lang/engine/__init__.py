"""The host side (layer 9): loading bots and playing conversation turns."""
