export { type BankGateway, BankUnavailableError, createSimulatedBank, type SimulatedBank } from './bank.js';
export {
  createPaymentHandlers,
  PAYMENT_KIND,
  type Payment,
  type PaymentHandlers,
  type PaymentHandlersOptions,
  PaymentInFlightError,
  type PaymentStatus,
  paymentIdOf,
} from './handlers.js';
export { createTransferPolicy, type PaymentsOptions, type PaymentsService, startPayments } from './payments.js';
