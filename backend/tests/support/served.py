"""An app served by uvicorn in the test's own event loop, over real HTTP: for
responses that stream (ASGITransport hands a body over only once it is complete)."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from tests.support.live_server import free_port


@dataclass
class Served:
    server: uvicorn.Server
    url: str


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[Served]:
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield Served(server, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await task


@dataclass
class Event:
    event: str | None = None
    id: str | None = None
    data: str = ""
    comments: list[str] = field(default_factory=list)

    @property
    def json(self) -> Any:
        return json.loads(self.data)


async def events(response: httpx.Response) -> AsyncIterator[Event]:
    """The stream's events as they arrive, heartbeats (comments) included."""
    event = Event()
    async for line in response.aiter_lines():
        if not line:
            if event.event or event.data or event.comments:
                yield event
            event = Event()
        elif line.startswith(":"):
            event.comments.append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                event.data = f"{event.data}\n{value}" if event.data else value
            elif name in ("event", "id"):
                setattr(event, name, value)
