"""The virtual machine (layer 7): runs compiled dialogs against a conversation's state."""
