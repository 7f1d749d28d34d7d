"""What the model must answer: the findings schema, sent as structured output and
validated (with size bounds) before anything is stored."""

from enum import StrEnum
from typing import Annotated, Any

from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.core.schemas import Tag, storable_text

MAX_FINDINGS = 20
MAX_SUGGESTED_TAGS = 5


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Category(StrEnum):
    PERSONAL_DATA = "personal_data"
    ABUSE = "abuse"
    HARASSMENT = "harassment"
    HATE = "hate"
    SPAM = "spam"
    SELF_HARM = "self_harm"
    VIOLENCE = "violence"
    SEXUAL = "sexual"
    MISINFORMATION = "misinformation"
    OTHER = "other"


# What PostgreSQL cannot store fails the answer here, not its write.
_STORABLE = AfterValidator(storable_text)


def _text(max_length: int) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    severity: Severity
    evidence: Annotated[str, _text(500), _STORABLE] = Field(
        description="The exact words of the text that raise the concern"
    )
    explanation: Annotated[str, _text(1000), _STORABLE] = Field(
        description="Why the evidence is a concern, in one or two sentences"
    )


class AuditFindings(BaseModel):
    """A review of the text: its summary, topic tags and policy findings."""

    model_config = ConfigDict(extra="forbid")

    summary: Annotated[str, _text(2000), _STORABLE] = Field(
        description="What the text says, in at most three sentences"
    )
    suggested_tags: list[Tag] = Field(
        max_length=MAX_SUGGESTED_TAGS,
        description="Up to five short lowercase topic tags",
    )
    findings: list[Finding] = Field(
        max_length=MAX_FINDINGS,
        description="Policy concerns, most severe first; empty when there are none",
    )


# Keywords the validation above enforces but strict structured output rejects.
_UNSUPPORTED_KEYWORDS = frozenset({"maxLength", "minLength", "default", "title"})


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        strict = {
            k: _strict(v) for k, v in node.items() if k not in _UNSUPPORTED_KEYWORDS
        }
        if strict.get("type") == "object" and "properties" in strict:
            strict["additionalProperties"] = False
            strict["required"] = list(strict["properties"])
        return strict
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


def response_format() -> ResponseFormatJSONSchema:
    """The `response_format` for Chat Completions: a strict JSON schema that every
    OpenAI-compatible server with structured output (OpenAI, vLLM, Ollama) accepts."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "audit_findings",
            "strict": True,
            "schema": _strict(AuditFindings.model_json_schema()),
        },
    }


class TokenUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
