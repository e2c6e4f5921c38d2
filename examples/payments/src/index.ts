export { type BankGateway, BankUnavailableError, createSimulatedBank, type SimulatedBank } from './bank.js';
export { type PaymentsOptions, type PaymentsService, startPayments } from './payments.js';
