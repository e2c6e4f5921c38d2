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
