"""A small OpenAI-compatible server on loopback, scripted per test: the real SDK
talks to it over real HTTP, so retries, timeouts and bad answers are the real ones."""

import argparse
import json
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "test-model"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    at: float
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def document(self) -> dict[str, Any]:
        """The reviewed data: the JSON document in the user message."""
        user = next(m for m in self.body["messages"] if m["role"] == "user")
        document: dict[str, Any] = json.loads(user["content"])
        return document


def _completion(message: dict[str, Any], finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160},
    }


def answer(content: str, finish_reason: str = "stop") -> Reply:
    """A completion whose message content is `content`, verbatim."""
    message = {"role": "assistant", "content": content, "refusal": None}
    return Reply(body=_completion(message, finish_reason))


def findings(
    summary: str = "A friendly greeting.",
    suggested_tags: list[str] | None = None,
    items: list[dict[str, Any]] | None = None,
) -> Reply:
    return answer(
        json.dumps(
            {
                "summary": summary,
                "suggested_tags": suggested_tags or ["greeting"],
                "findings": items or [],
            }
        )
    )


def refusal(text: str = "I can't help with that.") -> Reply:
    message = {"role": "assistant", "content": None, "refusal": text}
    return Reply(body=_completion(message))


def error(status: int, retry_after: str | None = None) -> Reply:
    body = {"error": {"message": f"scripted {status}", "type": "server_error"}}
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return Reply(status=status, body=body, headers=headers)


def hang(seconds: float) -> Reply:
    """Answers, too late: after the client's timeout."""
    return Reply(body=findings().body, delay=seconds)


class ModelServer:
    def __init__(self, port: int = 0) -> None:
        self.received: list[Received] = []
        self.default = findings()
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        """Replies for the next requests, in order; then `default` for the rest."""
        with self._lock:
            self._script.extend(replies)

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.received.append(Received(time.monotonic(), body, headers))
            return self._script.popleft() if self._script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(Reply(status=404, body={"error": {"message": "no"}}))
                    return
                headers = {name.lower(): value for name, value in self.headers.items()}
                reply = server._next(body, headers)
                if reply.delay and server._closing.wait(reply.delay):
                    return
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                payload = json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


# What the standalone server answers every review with: findings, so a front end under
# test has something to show and to accept, and late enough that it sees the audit run.
DEMO_REVIEW = replace(
    findings(
        summary="A post that shares a phone number in public.",
        suggested_tags=["contact", "privacy"],
        items=[
            {
                "category": "personal_data",
                "severity": "high",
                "evidence": "call me on 555-0100",
                "explanation": "A phone number in a team post can be read by everyone.",
            },
            {
                "category": "spam",
                "severity": "low",
                "evidence": "call me",
                "explanation": "An invitation to call reads like a sales pitch.",
            },
        ],
    ),
    delay=1.5,
)


def main() -> None:
    """`python -m tests.support.model_server --port N`: the end-to-end tests' model."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    server = ModelServer(port)
    server.default = DEMO_REVIEW
    sys.stderr.write(f"model server on {server.base_url}\n")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.close()


if __name__ == "__main__":
    main()
