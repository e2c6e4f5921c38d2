/** AsyncAPI fixtures for the `humangov docs` tests. */

/**
 * Two services around one channel with a message in two versions. Every string a page shows carries markup, so a
 * missing escape anywhere shows up; v2 changes a field's type, requiredness, constraints and PII marking.
 */
export const hostileShop = `asyncapi: 3.0.0
id: urn:fixture:service:shop
info:
  title: 'Shop <script>alert("title")</script>'
  version: 1.0.0
  description: 'Sells things. <script>alert("description")</script> <img src=x onerror=alert(1)>'
channels:
  order.placed:
    address: order.placed
    title: 'Order <b>placed</b>'
    description: 'Channel <script>alert("channel")</script>'
    messages:
      OrderPlacedV1:
        $ref: '#/components/messages/OrderPlacedV1'
      OrderPlacedV2:
        $ref: '#/components/messages/OrderPlacedV2'
    bindings:
      kafka:
        topic: shop.order-placed
        partitions: 3
        replicas: 2
      amqp:
        is: routingKey
        exchange:
          name: shop.events
          type: topic
          durable: true
operations:
  sendOrderPlaced:
    action: send
    channel:
      $ref: '#/channels/order.placed'
components:
  messages:
    OrderPlacedV1:
      name: OrderPlaced
      x-event-type: order.placed
      x-version: 1
      x-partition-key: /order_id
      summary: 'An order <script>alert("summary")</script>'
      description: 'Describes <script>alert(1)</script> and "quotes" & ampersands'
      bindings:
        kafka:
          key:
            type: string
            format: uuid
      payload:
        $ref: '#/components/schemas/OrderPlacedV1'
      examples:
        - name: 'first"><script>alert("example")</script>'
          payload:
            order_id: 4e8c1a2b-0000-4000-8000-000000000001
            note: '</pre><script>alert("payload")</script>'
    OrderPlacedV2:
      name: OrderPlaced
      x-event-type: order.placed
      x-version: 2
      x-partition-key: /order_id
      payload:
        $ref: '#/components/schemas/OrderPlacedV2'
  schemas:
    OrderPlacedV1:
      type: object
      required: [order_id, note]
      properties:
        order_id: { type: string, format: uuid }
        note: { type: string, maxLength: 200, description: 'Free text <script>alert("field")</script>' }
        quantity: { type: string }
        email: { type: string }
        address:
          type: object
          x-pii: true
          properties:
            street: { type: string }
    OrderPlacedV2:
      type: object
      required: [order_id, quantity]
      properties:
        order_id: { type: string, format: uuid }
        note: { type: string, maxLength: 500 }
        quantity: { type: integer, minimum: 1 }
        email: { type: string, x-pii: true }
        address:
          type: object
          x-pii: true
          properties:
            street: { type: string }
        channel: { type: string, enum: ['web', '<script>'] }
`;
export const warehouse = `asyncapi: 3.0.0
id: urn:fixture:service:warehouse
info:
  title: Warehouse
  version: 1.0.0
channels:
  order.placed:
    $ref: './shop.asyncapi.yaml#/channels/order.placed'
operations:
  receiveOrderPlaced:
    action: receive
    channel:
      $ref: '#/channels/order.placed'
`;
