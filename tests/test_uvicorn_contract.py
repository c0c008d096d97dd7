"""The interface uvicorn keeps for its `ws` protocol class, which `ReaderProtocol` relies
on (server/live/protocol.py's docstring): if an uvicorn release changes it, these fail
and say what changed, before any reader notices."""

from __future__ import annotations

import asyncio
import inspect

from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import Server, ServerState

from courtwire.live import ReaderProtocol
from tests.support import run


def test_h11_builds_the_ws_protocol_with_config_server_state_and_app_state() -> None:
    source = inspect.getsource(H11Protocol.handle_websocket_upgrade)
    for needed in (
        "self.ws_protocol_class(",
        "config=self.config",
        "server_state=self.server_state",
        "app_state=self.app_state",
    ):
        assert needed in source, f"uvicorn no longer builds the ws protocol with {needed}"


def test_h11_hands_over_the_transport_and_the_whole_upgrade_request() -> None:
    source = inspect.getsource(H11Protocol.handle_websocket_upgrade)
    made = source.find("protocol.connection_made(self.transport)")
    received = source.find("protocol.data_received(")
    handed = source.find("self.transport.set_protocol(protocol)")
    assert made >= 0, "uvicorn no longer calls connection_made(transport) on the ws protocol"
    assert received > made, "uvicorn no longer passes the upgrade request to data_received"
    assert handed > made, "uvicorn no longer hands the transport to the ws protocol"
    assert "self.connections.discard(self)" in source, (
        "uvicorn's HTTP protocol no longer leaves `connections` on upgrade"
    )


def test_server_shuts_down_every_connection_and_waits_for_the_set_to_empty() -> None:
    shutdown = inspect.getsource(Server.shutdown)
    assert "self.server_state.connections" in shutdown, "shutdown no longer walks connections"
    assert "connection.shutdown()" in shutdown, "shutdown no longer calls connection.shutdown()"
    waits = inspect.getsource(Server._wait_tasks_to_complete)
    assert "self.server_state.connections" in waits, "shutdown no longer waits for connections"
    assert "self.server_state.tasks" in waits, "shutdown no longer waits for tasks"


def test_server_state_has_the_connections_and_tasks_sets() -> None:
    state = ServerState()
    assert isinstance(state.connections, set)
    assert isinstance(state.tasks, set)


def test_config_takes_the_protocol_class_and_the_frame_limit() -> None:
    config = Config(app=lambda: None, ws=ReaderProtocol, ws_max_size=64 * 1024)
    config.load()
    assert config.ws_protocol_class is ReaderProtocol
    assert config.ws_max_size == 64 * 1024


def test_the_protocol_is_built_as_uvicorn_builds_it() -> None:
    async def build() -> ReaderProtocol:
        config = Config(app=lambda: None, ws=ReaderProtocol, ws_max_size=1024)
        config.load()
        return ReaderProtocol(config=config, server_state=ServerState(), app_state={})

    protocol = run(build())
    assert isinstance(protocol, asyncio.Protocol)
    assert callable(protocol.shutdown)
