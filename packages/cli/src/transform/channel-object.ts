/**
 * Channel Object (AsyncAPI 3.0 section "Channel Object") with its Kafka (bindings 0.5.0) and AMQP 0-9-1
 * (bindings 0.3.0) channel bindings.
 */
import { isObject, type Located, type Workspace } from '../load/workspace.js';

export interface KafkaChannel {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicas?: number;
}

export interface AmqpChannel {
  readonly exchange: string;
  readonly exchangeType: 'topic' | 'direct' | 'fanout' | 'default' | 'headers';
  readonly routingKey: string;
  readonly durable: boolean;
}

export interface ChannelModel {
  readonly node: Located;
  readonly key: string;
  readonly address: string;
  readonly kafka?: KafkaChannel;
  readonly amqp?: AmqpChannel;
  /** Message objects on the channel (dereferenced), keyed by their key in `messages`. */
  readonly messages: ReadonlyMap<string, Located>;
}

const EXCHANGE_TYPES = new Set(['topic', 'direct', 'fanout', 'default', 'headers']);

export function channelObject(ws: Workspace, node: Located, key: string): ChannelModel {
  const v = isObject(node.value) ? node.value : {};
  // A null address means "unknown or dynamic" in AsyncAPI 3.0; the channel key is the best name we have.
  const address = typeof v.address === 'string' ? v.address : key;
  const messages = new Map<string, Located>();
  const list = ws.child(node, 'messages');
  if (list && isObject(list.value)) {
    for (const k of Object.keys(list.value)) {
      const message = ws.deref(ws.child(list, k)!);
      if (message) messages.set(k, message);
    }
  }
  const bindings = ws.child(node, 'bindings');
  const binding = (protocol: string) => {
    const found = bindings && ws.child(bindings, protocol);
    return found && ws.deref(found);
  };
  const kafkaNode = binding('kafka');
  const amqpNode = binding('amqp');
  const kafka = kafkaNode && kafkaChannel(kafkaNode, address);
  const amqp = amqpNode && amqpChannel(ws, amqpNode, address);
  return { node, key, address, messages, ...(kafka && { kafka }), ...(amqp && { amqp }) };
}

function kafkaChannel(node: Located, address: string): KafkaChannel {
  const v = isObject(node.value) ? node.value : {};
  return {
    topic: typeof v.topic === 'string' ? v.topic : address,
    ...(typeof v.partitions === 'number' && { partitions: v.partitions }),
    ...(typeof v.replicas === 'number' && { replicas: v.replicas }),
  };
}

function amqpChannel(ws: Workspace, node: Located, address: string): AmqpChannel | undefined {
  const v = isObject(node.value) ? node.value : {};
  const exchange = isObject(v.exchange) ? v.exchange : {};
  if (v.is === 'queue') return undefined;
  const type = typeof exchange.type === 'string' ? exchange.type : 'topic';
  if (!EXCHANGE_TYPES.has(type)) ws.report(node, 'warning', 'amqp-binding', `unknown exchange type "${type}"`);
  return {
    exchange: typeof exchange.name === 'string' ? exchange.name : '',
    exchangeType: (EXCHANGE_TYPES.has(type) ? type : 'topic') as AmqpChannel['exchangeType'],
    routingKey: address,
    durable: exchange.durable !== false,
  };
}
