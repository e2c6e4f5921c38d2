/**
 * The HumanGov catalog, bound: `createEvent`, `parse`, `validate`, `serialize` and `upcast` for the events the
 * specs in `specs/asyncapi` declare. Integrators with their own specs call `createCodec` on their own catalog.
 */
import { type Codec, createCodec } from './codec.js';
import { catalog, type EventMap } from './generated/index.js';
import { upcasters } from './upcasters.js';

/** The codec over the HumanGov catalog, with the HumanGov upcasters and the default 1 MiB size limit. */
export const humangov: Codec<EventMap> = createCodec<EventMap>(catalog, { upcasters });

/** Builds a validated, frozen CloudEvents envelope for a HumanGov event (see `Codec.create`). */
export const createEvent: Codec<EventMap>['create'] = humangov.create;
/** Decodes bytes, a string or an object into a validated HumanGov event, or returns the issues. */
export const parse: Codec<EventMap>['parse'] = humangov.parse;
/** Checks an envelope object against the catalog. */
export const validate: Codec<EventMap>['validate'] = humangov.validate;
/** Writes a HumanGov event as structured-mode CloudEvents JSON. */
export const serialize: Codec<EventMap>['serialize'] = humangov.serialize;
/** Upcasts a HumanGov event to a later version. */
export const upcast: Codec<EventMap>['upcast'] = humangov.upcast;
