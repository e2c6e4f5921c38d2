import { catalog } from '@humangov/events';
import { createFakeClock } from '@humangov/resilience';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';

const registered = catalog['citizen.registered'].versions[2].examples[0]!;
const registeredV1 = catalog['citizen.registered'].versions[1].examples[0]!;
const withdrawn = catalog['benefit.application-withdrawn'].versions[1].examples[0]!;
const citizen = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.dispose()));
});
const setup = (options?: HarnessOptions) => {
  const harness = createHarness(options);
  harnesses.push(harness);
  return harness;
};

describe('createHarness', () => {
  it('records every event the broker stored, typed, as soon as publish resolves; time is the harness clock', async () => {
    const harness = setup();
    await harness.publisher.publish('citizen.registered', { ...registered, citizen_id: citizen(1) });
    await harness.clock.advance(1_000);
    await harness.publisher.publish('benefit.application-withdrawn', withdrawn);
    expect(harness.published.map((e) => e.type)).toEqual(['citizen.registered', 'benefit.application-withdrawn']);
    const [first, second] = harness.published;
    expect(first!.time).toBe('2025-01-01T00:00:00.000Z');
    expect(second!.time).toBe('2025-01-01T00:00:01.000Z');
    if (first!.type === 'citizen.registered' && first!.version === 2) expect(first!.data.given_name).toBe('Amara');
    else expect.unreachable('the first event is citizen.registered v2');
  });

  it('expectEvent returns the first event whose data matches the partial data, nested fields included', async () => {
    const harness = setup();
    await harness.publisher.publish('citizen.registered', { ...registered, citizen_id: citizen(1) });
    await harness.publisher.publish('citizen.registered', {
      ...registered,
      citizen_id: citizen(2),
      address: { ...registered.address!, postal_code: 'SW1A 1AA' },
    });
    const event = harness.expectEvent('citizen.registered', { address: { postal_code: 'SW1A 1AA' } });
    expect(event.data.citizen_id).toBe(citizen(2));
    expect(harness.expectEvent('citizen.registered').data.citizen_id).toBe(citizen(1));
  });

  it('expectEvent failing names the closest candidate and each difference, and what was published', async () => {
    const harness = setup();
    await harness.publisher.publish('citizen.registered', { ...registered, citizen_id: citizen(1), given_name: 'Ada' });
    await harness.publisher.publish('citizen.registered', {
      ...registered,
      citizen_id: citizen(2),
      given_name: 'Grace',
    });
    await harness.publisher.publish('benefit.application-withdrawn', withdrawn);
    const error = (() => {
      try {
        harness.expectEvent('citizen.registered', {
          citizen_id: citizen(2),
          given_name: 'Grace',
          family_name: 'Hopper',
        });
      } catch (e) {
        return e as Error & { code: string };
      }
    })();
    expect(error?.code).toBe('HUMANGOV_EVENT_NOT_PUBLISHED');
    const id = harness.published[1]!.id;
    expect(error?.message).toBe(
      [
        `expectEvent: no citizen.registered v2 event matching {"citizen_id":"${citizen(2)}","given_name":"Grace","family_name":"Hopper"} was published.`,
        `Closest: event 2 of 2 (id ${id}):`,
        '  /family_name: expected "Hopper", got "Okafor"',
        'Published: citizen.registered v2 x2, benefit.application-withdrawn v1 x1.',
      ].join('\n'),
    );
  });

  it('expectEvent failing says when the events are at another version, or when nothing was published', async () => {
    const harness = setup();
    expect(() => harness.expectEvent('citizen.registered')).toThrow(
      'expectEvent: no citizen.registered v2 was published.\nPublished: nothing.',
    );
    await harness.publisher.publish('citizen.registered', registeredV1, { version: 1 });
    expect(() => harness.expectEvent('citizen.registered')).toThrow(
      /1 citizen.registered event\(s\) at other versions \(1\): pass \{ version \}/,
    );
    expect(harness.expectEvent('citizen.registered', { name: registeredV1.name }, { version: 1 }).version).toBe(1);
  });

  it('waitFor(type) resolves once a handler published the event, moving the harness clock', async () => {
    const harness = setup();
    // The handler answers after 2 s on the clock: waitFor must move time for it to happen.
    harness.router.handle('citizen.registered', async (event) => {
      await harness.clock.sleep(2_000);
      await harness.publisher.publish(
        'benefit.application-withdrawn',
        { ...withdrawn, citizen_id: event.data.citizen_id },
        { causedBy: event },
      );
    });
    await harness.router.start();
    const cause = await harness.publisher.publish('citizen.registered', { ...registered, citizen_id: citizen(7) });
    const started = harness.clock.now();
    const effect = await harness.waitFor('benefit.application-withdrawn', { citizen_id: citizen(7) });
    expect(effect.causationid).toBe(cause.id);
    expect(harness.clock.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(harness.clock.now() - started).toBeLessThan(2_100);
  });

  it('waitFor times out on the harness clock with the report of expectEvent; a predicate gets its own message', async () => {
    const harness = setup();
    await harness.publisher.publish('benefit.application-withdrawn', withdrawn);
    const started = Date.now();
    await expect(
      harness.waitFor('citizen.registered', undefined, { timeoutMs: 30_000, stepMs: 1_000 }),
    ).rejects.toThrow(
      /^harness.waitFor: after 30000 ms on the harness clock, no citizen.registered v2 was published.\nPublished: benefit.application-withdrawn v1 x1.$/,
    );
    expect(harness.clock.now()).toBe(Date.parse('2025-01-01T00:00:30Z'));
    expect(Date.now() - started).toBeLessThan(5_000); // thirty fake seconds, not thirty real ones
    await expect(harness.waitFor((published) => published.length > 1, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'HUMANGOV_WAIT_TIMEOUT',
      message: expect.stringMatching(/the condition was still false after 100 ms on the harness clock \(1 events/),
    });
  });

  it('waitFor(predicate) resolves as soon as the predicate holds', async () => {
    const harness = setup({ clock: createFakeClock(0) });
    const done = harness.waitFor((published) => published.length === 2);
    await harness.publisher.publish('benefit.application-withdrawn', withdrawn);
    await harness.publisher.publish('benefit.application-withdrawn', withdrawn);
    await done;
    expect(harness.published).toHaveLength(2);
  });

  it('dispose() closes router, publisher and transport, once; a wait in progress stops', async () => {
    const harness = setup();
    harness.router.handle('citizen.registered', () => {});
    await harness.router.start();
    const waiting = harness.waitFor('citizen.registered', undefined, { timeoutMs: 60_000 });
    await Promise.all([harness.dispose(), harness.dispose()]);
    await expect(waiting).rejects.toMatchObject({ code: 'HUMANGOV_HARNESS_DISPOSED' });
    await expect(harness.publisher.publish('benefit.application-withdrawn', withdrawn)).rejects.toMatchObject({
      code: 'HUMANGOV_TRANSPORT_CLOSED',
    });
    await expect(
      harness.transport.publish({ channel: 'x', attributes: {}, headers: {}, body: new Uint8Array() }),
    ).rejects.toMatchObject({ code: 'HUMANGOV_TRANSPORT_CLOSED' });
  });

  it('with faults, the faulty transport sits between the code and the broker; published is what the broker stored', async () => {
    const harness = setup({ faults: { rules: [{ fault: 'lose-confirm', nth: 1 }] } });
    await expect(harness.publisher.publish('benefit.application-withdrawn', withdrawn)).rejects.toMatchObject({
      code: 'HUMANGOV_PUBLISH_FAILED',
    });
    expect(harness.published).toHaveLength(1); // stored, though the publisher was told otherwise
    expect(harness.faults?.stats.injected['lose-confirm']).toBe(1);
    expect(harness.transport.name).toBe('faulty(memory)');
  });

  it('the catalog types expectEvent and waitFor: a wrong type, field or value is a compile error', () => {
    const harness = setup();
    const check = () => {
      // @ts-expect-error: not an event type of the catalog
      harness.expectEvent('citizen.registerd');
      // @ts-expect-error: not a field of citizen.registered v2
      harness.expectEvent('citizen.registered', { nmae: 'Ada' });
      // @ts-expect-error: `name` is a field of v1, not of the latest version
      harness.expectEvent('citizen.registered', { name: 'Ada' });
      // @ts-expect-error: a nested field has the wrong type
      harness.expectEvent('citizen.registered', { address: { postal_code: 42 } });
      // @ts-expect-error: citizen.registered has no version 3
      harness.expectEvent('citizen.registered', {}, { version: 3 });
      // @ts-expect-error: not a field of benefit.application-withdrawn
      void harness.waitFor('benefit.application-withdrawn', { given_name: 'Ada' });
      const v1 = harness.expectEvent('citizen.registered', { name: 'Ada' }, { version: 1 });
      const name: string = v1.data.name;
      const v2 = harness.expectEvent('citizen.registered', { address: { postal_code: 'B31 2QX' } });
      const given: string = v2.data.given_name;
      return [name, given];
    };
    expect(check).toBeTypeOf('function');
  });
});
