/** Operation Object (AsyncAPI 3.0 section "Operation Object"): who sends and who receives which messages. */
import { isObject, type Located, nodeId, type Workspace } from '../load/workspace.js';

export interface OperationModel {
  readonly node: Located;
  readonly action: 'send' | 'receive';
  /** The dereferenced channel. */
  readonly channel: Located;
  /** Identities of the dereferenced messages the operation names, or undefined for "all of the channel's". */
  readonly messageIds?: readonly string[];
}

export function operationObject(ws: Workspace, node: Located): OperationModel | undefined {
  const v = isObject(node.value) ? node.value : {};
  if (v.action !== 'send' && v.action !== 'receive') {
    ws.report(node, 'error', 'operation-action', 'an operation needs `action: send` or `action: receive`');
    return undefined;
  }
  const channelRef = ws.child(node, 'channel');
  const channel = channelRef && ws.deref(channelRef);
  if (!channel) {
    ws.report(node, 'error', 'operation-channel', 'an operation needs a `channel` $ref');
    return undefined;
  }
  const messageIds = ws.child(node, 'messages')
    ? ws.items(node, 'messages').flatMap((item) => {
        const message = ws.deref(item);
        return message ? [nodeId(message)] : [];
      })
    : undefined;
  return { node, action: v.action, channel, ...(messageIds && { messageIds }) };
}
