"""Serving bots over the network (layer 11): Starlette apps that uvicorn runs."""
