/** @humangov/resilience/postgres: outbox, inbox and saga stores on PostgreSQL (pg 8, an optional peer). */
export {};
