/**
 * W3C trace context through `@opentelemetry/api` only (no SDK dependency): with no OpenTelemetry SDK registered
 * every call here is a cheap no-op. The `traceparent`/`tracestate` CloudEvents extensions carry the context.
 */
import { type Context, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('@humangov/sdk');

/** Starts a producer span and returns it with the trace headers to put on the event. */
export function startPublishSpan(type: string, channel: string): { span: Span; carrier: Record<string, string> } {
  const span = tracer().startSpan(`publish ${type}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.operation': 'publish',
      'messaging.destination.name': channel,
      'cloudevents.event_type': type,
    },
  });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return { span, carrier };
}

/** Runs `fn` in a consumer span whose parent is the trace context the event carries. */
export async function withProcessSpan<T>(
  event: { readonly type: string; readonly id: string; readonly traceparent?: string; readonly tracestate?: string },
  fn: () => Promise<T>,
): Promise<T> {
  const carrier: Record<string, string> = {};
  if (event.traceparent) carrier.traceparent = event.traceparent;
  if (event.tracestate) carrier.tracestate = event.tracestate;
  const parent: Context = propagation.extract(context.active(), carrier);
  const span = tracer().startSpan(
    `process ${event.type}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.operation': 'process', 'cloudevents.event_id': event.id } },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
