"""The lifecycle every provider fake shares: a WSGI app served on 127.0.0.1 (port 0 = any
free port) by werkzeug in a background thread, usable as a context manager."""
from __future__ import annotations

import threading
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class LocalHttpFake:
    """Subclasses serve `_wsgi` and keep `_lock` (an RLock) and `_latency` (seconds each
    provider answer is held back, after the request took effect)."""

    thread_name = "local-fake"
    request_handler: type[WSGIRequestHandler] = WSGIRequestHandler
    _lock: threading.RLock
    _latency: float

    @property
    def latency(self) -> float:
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        with self._lock:
            self._latency = float(seconds)

    def _init_server(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._stopping = threading.Event()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        raise NotImplementedError

    def _configure(self, server: BaseWSGIServer) -> None:
        """Hook: adjust the server before it starts serving."""

    def _after_close(self) -> None:
        """Hook: release what the handlers hold once the server is closed."""

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = make_server(self._host, self._port, self._wsgi, threaded=True,
                                   request_handler=self.request_handler)
        self._configure(self._server)
        server = self._server
        self._thread = threading.Thread(
            # A short poll interval keeps stop() (server.shutdown) fast between tests.
            target=lambda: server.serve_forever(poll_interval=0.05),
            name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers sleeping on an injected latency
        self._server.shutdown()
        self._server.server_close()
        self._after_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return f"http://{self._host}:{self._server.server_port}"
