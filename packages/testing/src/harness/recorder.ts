/**
 * The harness's recording layer: sits right above the memory transport (below any fault wrapper) and records every
 * catalog event the broker stored, at the moment `publish` stored it.
 */
import type { CloudEvent, Codec, EventMapShape, MessageVersion } from '@humangov/events';
import {
  fromTransportMessage,
  isDelayedRedeliverer,
  isProvisioner,
  type Transport,
  type TransportMessage,
} from '@humangov/sdk';

/**
 * Wraps `transport`: after each successful `publish`, a message that decodes to a valid event of `codec`'s catalog
 * on the catalog's channel of that event is passed to `record` (dead letters and foreign messages are not).
 * Everything else passes through; the optional abilities of `transport` are kept.
 */
export function createRecordingTransport<M extends EventMapShape>(
  transport: Transport,
  codec: Codec<M>,
  record: (event: CloudEvent) => void,
): Transport {
  const decode = (message: TransportMessage): CloudEvent | undefined => {
    const decoded = fromTransportMessage(message);
    if (decoded.issues) return undefined;
    const checked = codec.validate(decoded.value);
    if (checked.issues) return undefined;
    const event = checked.value as CloudEvent;
    const entry = codec.catalog[event.type]?.versions[event.version] as MessageVersion | undefined;
    return entry?.channel === message.channel ? event : undefined;
  };
  const recording: Transport = {
    name: transport.name,
    async publish(message, options) {
      await transport.publish(message, options);
      const event = decode(message);
      if (event) record(event);
    },
    subscribe: (spec, handler) => transport.subscribe(spec, handler),
    close: () => transport.close(),
  };
  if (isProvisioner(transport)) Object.assign(recording, { provision: transport.provision.bind(transport) });
  if (isDelayedRedeliverer(transport))
    Object.assign(recording, { prepareRedelivery: transport.prepareRedelivery.bind(transport) });
  return recording;
}
