export {
  createSimulatedDeliveryGateway,
  DeliveryFailedError,
  type DeliveryGateway,
  type SimulatedDeliveryGateway,
} from './gateway.js';
export {
  type DeadLetters,
  type NotificationsOptions,
  type NotificationsService,
  startNotifications,
} from './notifications.js';
export {
  createSendHandler,
  NOTIFICATION_KINDS,
  type SendHandler,
  type SendOptions,
  type SentNotification,
} from './send.js';
