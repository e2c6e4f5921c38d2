import { AsyncLocalStorage } from 'node:async_hooks';
import { catalog } from '@humangov/events';
import {
  type Context,
  type ContextManager,
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTransport, createPublisher, createRouter } from './index.js';

// A W3C traceparent propagator and a recording tracer, as small object literals: what an OpenTelemetry SDK would
// register. With none registered, @opentelemetry/api is a no-op and the SDK adds no trace headers.
const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
const spans: { name: string; context: SpanContext; parent?: SpanContext }[] = [];

const propagator: TextMapPropagator = {
  inject(context, carrier, setter) {
    const span = trace.getSpanContext(context);
    if (span) setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-01`);
  },
  extract(context, carrier, getter) {
    const value = getter.get(carrier, 'traceparent');
    const match = typeof value === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(value) : null;
    if (!match) return context;
    return trace.setSpanContext(context, { traceId: match[1]!, spanId: match[2]!, traceFlags: 1, isRemote: true });
  },
  fields: () => ['traceparent'],
};

const tracer: Tracer = {
  startSpan(name: string, _options?: unknown, context: Context = ROOT_CONTEXT): Span {
    const parent = trace.getSpanContext(context);
    const spanContext: SpanContext = { traceId: parent?.traceId ?? hex(16), spanId: hex(8), traceFlags: 1 };
    spans.push({ name, context: spanContext, ...(parent && { parent }) });
    const span = {
      spanContext: () => spanContext,
      setAttribute: () => span,
      setAttributes: () => span,
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus: () => span,
      updateName: () => span,
      end: () => {},
      isRecording: () => true,
      recordException: () => {},
    };
    return span as unknown as Span;
  },
  startActiveSpan: (() => {
    throw new Error('not used by the SDK');
  }) as Tracer['startActiveSpan'],
};
const provider: TracerProvider = { getTracer: () => tracer };
const storage = new AsyncLocalStorage<Context>();
const contextManager: ContextManager = {
  active: () => storage.getStore() ?? ROOT_CONTEXT,
  with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
  bind: (_ctx, target) => target,
  enable: () => contextManager,
  disable: () => contextManager,
};

beforeEach(() => {
  spans.length = 0;
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  otelContext.setGlobalContextManager(contextManager);
});
afterEach(() => {
  propagation.disable();
  trace.disable();
  otelContext.disable();
});

describe('W3C trace context', () => {
  it('flows from publish to the handler: one trace, the process span a child of the publish span', async () => {
    const transport = createMemoryTransport();
    const publisher = createPublisher({ transport, source: '/humangov/test' });
    const router = createRouter({ transport, group: 'traced', shutdownOnSignals: false });
    let activeInHandler: SpanContext | undefined;
    let received: string | undefined;
    router.handle('benefit.application-withdrawn', (event) => {
      activeInHandler = trace.getActiveSpan()?.spanContext();
      received = event.traceparent;
    });
    await router.start();
    const event = await publisher.publish(
      'benefit.application-withdrawn',
      catalog['benefit.application-withdrawn'].versions[1].examples[0]!,
    );
    for (let i = 0; i < 200 && !activeInHandler; i++) await new Promise((r) => setTimeout(r, 5));
    await Promise.all([router.close(), publisher.close()]);
    await transport.close();

    const publishSpan = spans.find((s) => s.name === 'publish benefit.application-withdrawn')!;
    const processSpan = spans.find((s) => s.name === 'process benefit.application-withdrawn')!;
    expect(event.traceparent).toBe(`00-${publishSpan.context.traceId}-${publishSpan.context.spanId}-01`);
    expect(received).toBe(event.traceparent);
    expect(processSpan.parent?.spanId).toBe(publishSpan.context.spanId);
    expect(activeInHandler?.traceId).toBe(publishSpan.context.traceId);
    expect(activeInHandler?.spanId).toBe(processSpan.context.spanId);
  });

  it('with a propagator but no tracer SDK, an incoming trace context reaches the handler and its own publishes', async () => {
    trace.disable(); // the propagator stays registered
    const transport = createMemoryTransport();
    const publisher = createPublisher({ transport, source: '/humangov/test' });
    const router = createRouter({ transport, group: 'propagating', shutdownOnSignals: false });
    const incoming = `00-${hex(16)}-${hex(8)}-01`;
    let onward: string | undefined;
    router.handle('benefit.application-withdrawn', async () => {
      const next = await publisher.publish(
        'benefit.award-revoked',
        catalog['benefit.award-revoked'].versions[1].examples[0]!,
      );
      onward = next.traceparent;
    });
    await router.start();
    const data = catalog['benefit.application-withdrawn'].versions[1].examples[0]!;
    await publisher.publish('benefit.application-withdrawn', data, { traceparent: incoming });
    for (let i = 0; i < 200 && !onward; i++) await new Promise((r) => setTimeout(r, 5));
    await Promise.all([router.close(), publisher.close()]);
    await transport.close();
    expect(onward).toBe(incoming);
  });

  it('adds no trace headers when no OpenTelemetry SDK is registered', async () => {
    propagation.disable();
    trace.disable();
    const transport = createMemoryTransport();
    const publisher = createPublisher({ transport, source: '/humangov/test' });
    const event = await publisher.publish(
      'benefit.application-withdrawn',
      catalog['benefit.application-withdrawn'].versions[1].examples[0]!,
    );
    expect(event.traceparent).toBeUndefined();
    await transport.close();
  });
});
