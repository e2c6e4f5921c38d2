/** @humangov/resilience/sqlite: outbox, inbox and saga stores on SQLite (better-sqlite3 12, an optional peer). */
export {};
