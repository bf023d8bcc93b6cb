"""gunicorn's configuration for `make run` (``-c python:portal.local_server``): once the
socket is bound, say the address the site is really served on, taken from the socket itself."""


def browse_url(host: str, port: int | str) -> str:
    """The address to open in a browser for a server bound to ``host``:``port``: a server bound
    to every interface (0.0.0.0, ::) is reached on this machine at 127.0.0.1 or [::1]."""
    every_interface = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}  # noqa: S104 -- read, not bound
    host = every_interface.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def served_at(host: str, port: int) -> str:
    """The sentence `make run` prints once it serves."""
    url = browse_url(host, port)
    bound = f"[{host}]" if ":" in host else host
    if url == f"http://{bound}:{port}/":
        return f"Serving on {url} (Ctrl-C stops)"
    return (
        f"Serving on every interface, port {port} ({bound}:{port}); on this machine: {url} "
        "(Ctrl-C stops)"
    )


def when_ready(server):
    """Called by gunicorn's master once it listens, before any request."""
    for listener in server.LISTENERS:
        address = listener.getsockname()
        if isinstance(address, tuple):
            print(served_at(address[0], address[1]), flush=True)
        else:  # a Unix socket
            print(f"Serving on unix:{address} (Ctrl-C stops)", flush=True)
