"""The review model behind `openai.AsyncOpenAI`, created once per process.

The SDK's own retries are off: the audit queue owns retries, with backoff that
survives restarts. Every way a call can fail becomes a `ModelCallFailed` with a
stable code, and nothing but a fully validated answer comes back.
"""

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import openai
from opentelemetry.trace import Span
from pydantic import ValidationError

from app.ai import prompt
from app.ai.exceptions import ModelCallFailed
from app.ai.schemas import AuditFindings, TokenUsage, response_format
from app.core import tracing
from app.core.config import Settings
from app.core.metrics import MODEL_CALL_DURATION, MODEL_ERRORS, MODEL_TOKENS
from app.core.schemas import storable_text

# Local OpenAI-compatible servers ignore the key, but the SDK insists on one.
_KEYLESS = "not-needed"
_MAX_ERROR_TEXT = 300


@dataclass(frozen=True)
class Review:
    findings: AuditFindings
    model: str
    usage: TokenUsage | None
    latency_ms: float


_MAX_MODEL_NAME = 200


def reported_model(name: str | None, *, fallback: str) -> str:
    """The model the server says answered: stored with the review, so only text
    PostgreSQL can hold, and short; otherwise the one that was asked for."""
    try:
        name = storable_text(name or "")
    except ValueError:
        return fallback
    return name[:_MAX_MODEL_NAME] or fallback


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The server's own wait, from `retry-after-ms` or `retry-after` (seconds or an
    HTTP date)."""
    if milliseconds := headers.get("retry-after-ms"):
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _short(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_TEXT else text[:_MAX_ERROR_TEXT] + "…"


def _status_failure(error: openai.APIStatusError) -> ModelCallFailed:
    status = error.status_code
    retry_after = retry_after_seconds(error.response.headers)
    detail = _short(str(error.message))
    if status == 429:
        return ModelCallFailed(
            "MODEL_RATE_LIMITED",
            f"The model server is rate limiting requests: {detail}",
            retryable=True,
            retry_after=retry_after,
        )
    if status >= 500 or status in (408, 409):
        return ModelCallFailed(
            "MODEL_UNAVAILABLE",
            f"The model server answered {status}: {detail}",
            retryable=True,
            retry_after=retry_after,
        )
    # 400, 401, 403, 404, 422: the same request would be refused again.
    return ModelCallFailed(
        "MODEL_REQUEST_REJECTED",
        f"The model server refused the request ({status}): {detail}",
        retryable=False,
    )


def _parse(completion: Any) -> AuditFindings:
    choices = getattr(completion, "choices", None)
    if not choices:
        raise ModelCallFailed(
            "MODEL_INVALID_OUTPUT", "The model returned no answer", retryable=True
        )
    choice = choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        raise ModelCallFailed(
            "MODEL_REFUSED",
            f"The model refused to review the text: {_short(message.refusal)}",
            retryable=False,
        )
    if choice.finish_reason == "length":
        raise ModelCallFailed(
            "MODEL_OUTPUT_TRUNCATED",
            "The model's answer was cut off at the output token limit "
            "(OPENAI_MAX_OUTPUT_TOKENS)",
            retryable=True,
        )
    if choice.finish_reason == "content_filter":
        raise ModelCallFailed(
            "MODEL_CONTENT_FILTERED",
            "The model server's content filter withheld the answer",
            retryable=False,
        )
    if not message.content:
        raise ModelCallFailed(
            "MODEL_INVALID_OUTPUT", "The model's answer was empty", retryable=True
        )
    try:
        return AuditFindings.model_validate_json(message.content)
    except ValidationError as error:
        problems = error.errors(include_url=False, include_input=False)
        if any(problem["type"] == "json_invalid" for problem in problems):
            raise ModelCallFailed(
                "MODEL_INVALID_JSON",
                "The model's answer is not valid JSON",
                retryable=True,
            ) from None
        where = "; ".join(
            f"{'.'.join(map(str, problem['loc'])) or 'answer'}: {problem['msg']}"
            for problem in problems[:5]
        )
        raise ModelCallFailed(
            "MODEL_INVALID_OUTPUT",
            _short(f"The model's answer does not match the findings schema: {where}"),
            retryable=True,
        ) from None


def _describe(span: Span | None, completion: Any, usage: Any) -> None:
    if span is None:
        return
    span.set_attribute("gen_ai.response.model", completion.model or "")
    if usage is not None:
        span.set_attribute("gen_ai.usage.input_tokens", usage.prompt_tokens or 0)
        span.set_attribute("gen_ai.usage.output_tokens", usage.completion_tokens or 0)


def _count_tokens(usage: Any) -> None:
    if usage is None:
        return
    MODEL_TOKENS.labels("prompt").inc(usage.prompt_tokens or 0)
    MODEL_TOKENS.labels("completion").inc(usage.completion_tokens or 0)


class Reviewer:
    def __init__(self, settings: Settings) -> None:
        api_key = settings.openai_api_key
        self.model = settings.openai_model
        # What the spans call the provider: OpenAI's API, or a compatible server.
        self._system = "openai" if not settings.openai_base_url else "openai_compatible"
        self._max_output_tokens = settings.openai_max_output_tokens
        self._timeout = settings.openai_timeout
        self._client = openai.AsyncOpenAI(
            api_key=api_key.get_secret_value() if api_key else _KEYLESS,
            base_url=settings.openai_base_url or None,
            timeout=settings.openai_timeout,
            max_retries=0,
        )

    async def close(self) -> None:
        await self._client.close()

    async def review(self, document: dict[str, Any]) -> Review:
        started = time.perf_counter()
        outcome = "ok"
        with tracing.model_call_span(self._system, self.model) as span:
            try:
                completion = await self._call(document)
                # An answer is paid for whether or not it turns out usable.
                usage = getattr(completion, "usage", None)
                _count_tokens(usage)
                _describe(span, completion, usage)
                findings = _parse(completion)
            except ModelCallFailed as failure:
                outcome = failure.code
                MODEL_ERRORS.labels(failure.code).inc()
                tracing.failed(span, failure.code)
                raise
            finally:
                elapsed = time.perf_counter() - started
                MODEL_CALL_DURATION.labels(outcome).observe(elapsed)
        usage = completion.usage
        return Review(
            findings=findings,
            model=reported_model(completion.model, fallback=self.model),
            usage=(
                TokenUsage(
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                    total_tokens=usage.total_tokens,
                )
                if usage
                else None
            ),
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    async def _call(self, document: dict[str, Any]) -> Any:
        try:
            # The SDK's timeout bounds each phase (connecting, each read): a server
            # that trickles its answer would never trip it. This bounds the call.
            async with asyncio.timeout(self._timeout):
                return await self._client.chat.completions.create(
                    model=self.model,
                    messages=prompt.messages(document),
                    response_format=response_format(),
                    max_completion_tokens=self._max_output_tokens,
                )
        except (openai.APITimeoutError, TimeoutError):
            raise ModelCallFailed(
                "MODEL_TIMEOUT",
                "The model did not answer within OPENAI_TIMEOUT",
                retryable=True,
            ) from None
        except openai.APIConnectionError as error:
            raise ModelCallFailed(
                "MODEL_UNREACHABLE",
                f"The model server could not be reached: {_short(str(error))}",
                retryable=True,
            ) from None
        except openai.APIStatusError as error:
            raise _status_failure(error) from None
        except openai.APIError as error:
            raise ModelCallFailed(
                "MODEL_INVALID_OUTPUT",
                f"The model server's response could not be read: {_short(str(error))}",
                retryable=True,
            ) from None
