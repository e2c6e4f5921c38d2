/**
 * W3C trace context through `@opentelemetry/api` only (no SDK dependency): with no OpenTelemetry SDK registered
 * every call here is a cheap no-op. The `traceparent`/`tracestate` CloudEvents extensions carry the context.
 */
import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  ProxyTracerProvider,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

// One tracer per registered provider: `trace.getTracer` would build a new proxy tracer per call while no SDK is
// registered. `trace.disable()` replaces the global provider object, so a new registration is picked up.
let tracerProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;
function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (provider !== tracerProvider || !cachedTracer) {
    tracerProvider = provider;
    cachedTracer = provider.getTracer('@humangov/sdk');
  }
  return cachedTracer;
}

/**
 * `ctx` with `span` as its active span. A span with an invalid context (no-op tracer, no parent) adds nothing that
 * a propagator or a child span could use, so `ctx` itself is returned and no context object is built per message.
 */
function withSpan(ctx: Context, span: Span): Context {
  const spanContext = span.spanContext();
  // The no-op tracer's span without a parent carries the INVALID_SPAN_CONTEXT object itself: no regex needed.
  return spanContext !== INVALID_SPAN_CONTEXT && isSpanContextValid(spanContext) ? trace.setSpan(ctx, span) : ctx;
}

/** What a publish span gives the event: its trace headers (none when nothing was injected). */
export interface PublishSpan {
  readonly span: Span;
  readonly carrier: { traceparent?: string; tracestate?: string };
}

/** Starts a producer span and returns it with the trace headers to put on the event. */
export function startPublishSpan(type: string, channel: string): PublishSpan {
  const span = tracer().startSpan(`publish ${type}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.operation': 'publish',
      'messaging.destination.name': channel,
      'cloudevents.event_type': type,
    },
  });
  const carrier: Record<string, string> = {};
  propagation.inject(withSpan(context.active(), span), carrier);
  return { span, carrier };
}

/** A consumer span and the context to run the handler in (the event's trace context, with the span active). */
export interface ProcessSpan {
  readonly span: Span;
  readonly context: Context;
}

// What the global provider delegates to while no OpenTelemetry SDK is registered.
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * Starts a consumer span whose parent is the trace context the event carries. Run the handler with
 * `context.with(processSpan.context, ...)`, then `endSpan(processSpan.span, error?)`. `undefined` when there is
 * nothing to trace or carry: no SDK registered, and no trace context on the event that a registered propagator
 * could pass on to the handler's own publishes (then the handler runs as is, in the active context).
 */
export function startProcessSpan(event: ProcessedEvent): ProcessSpan | undefined {
  const provider = trace.getTracerProvider();
  if (
    provider instanceof ProxyTracerProvider &&
    provider.getDelegate() === NO_SDK &&
    ((!event.traceparent && !event.tracestate) || propagation.fields().length === 0)
  ) {
    return undefined;
  }
  let parent: Context = context.active();
  if (event.traceparent || event.tracestate) {
    const carrier: Record<string, string> = {};
    if (event.traceparent) carrier.traceparent = event.traceparent;
    if (event.tracestate) carrier.tracestate = event.tracestate;
    parent = propagation.extract(parent, carrier);
  }
  const span = tracer().startSpan(
    `process ${event.type}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.operation': 'process', 'cloudevents.event_id': event.id } },
    parent,
  );
  return { span, context: withSpan(parent, span) };
}

/** The attributes of an event that tracing reads. */
export interface ProcessedEvent {
  readonly type: string;
  readonly id: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
