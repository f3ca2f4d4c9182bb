"""What a run of instructions tells the loop (layer 7): shared by the machine and the statements."""

SUSPEND, RETURN, PUSHED, CLOSED = "suspend", "return", "pushed", "closed"
