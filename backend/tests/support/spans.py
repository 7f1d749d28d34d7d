"""Finished spans as a readable tree, for assertions and for people."""

from collections.abc import Sequence

from opentelemetry.sdk.trace import ReadableSpan


def _label(span: ReadableSpan) -> str:
    context = span.get_span_context()
    assert context is not None
    kind = span.kind.name.lower()
    links = "".join(
        f" -> links to span {link.context.span_id:016x}"
        f" of trace {link.context.trace_id:032x}"
        for link in span.links
    )
    return f"{span.name} [{kind}] span {context.span_id:016x}{links}"


def tree(spans: Sequence[ReadableSpan]) -> str:
    """Every trace, its root first, children indented under their parent."""
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in sorted(spans, key=lambda span: span.start_time or 0):
        children.setdefault(span.parent.span_id if span.parent else None, []).append(
            span
        )
    lines: list[str] = []

    def walk(span: ReadableSpan, depth: int) -> None:
        lines.append("  " * depth + _label(span))
        context = span.get_span_context()
        assert context is not None
        for child in children.get(context.span_id, []):
            walk(child, depth + 1)

    known = {span.get_span_context().span_id for span in spans}  # type: ignore[union-attr]
    for span in spans:
        if span.parent is None or span.parent.span_id not in known:
            context = span.get_span_context()
            assert context is not None
            lines.append(f"trace {context.trace_id:032x}")
            walk(span, 1)
    return "\n".join(lines)
