"""The in-process broker: one server process, messages handed straight to the fan-out."""

from __future__ import annotations

from courtwire.hub.base import Broker, Receiver
from courtwire.messages import Message


class MemoryBroker(Broker):
    def __init__(self) -> None:
        super().__init__()
        self._receiver: Receiver | None = None

    def start(self, receiver: Receiver) -> None:
        self._receiver = receiver

    def publish(self, message: Message) -> None:
        assert self._receiver is not None, "broker not started"
        self._receiver(message)
