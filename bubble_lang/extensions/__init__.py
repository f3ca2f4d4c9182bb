"""Chatto-style extension servers (layer 8, SPEC §11): the client bubble's host calls them with
(`ChattoClient`), and a small helper to write one in Python (`ExtensionApp`)."""

from __future__ import annotations

from .chatto_client import ChattoClient, list_extensions
from .chatto_wire import state_table
from .extension_app import ExtensionApp, ExtensionCall

__all__ = ["ChattoClient", "ExtensionApp", "ExtensionCall", "list_extensions", "state_table"]
