/** What one demo run uses: transport, database, where files go, and the names that keep runs apart. */
export type TransportKind = 'memory' | 'kafka' | 'rabbitmq';
export type DbKind = 'sqlite' | 'postgres';

export interface DemoSettings {
  readonly transport: TransportKind;
  readonly db: DbKind;
  /** SQLite files go here (one per service). */
  readonly dataDir: string;
  /** Distinguishes this run's PostgreSQL tables. */
  readonly runId: string;
  readonly tokenSecret: string;
  readonly kafkaBrokers: readonly string[];
  readonly amqpUrl: string;
  readonly databaseUrl: string;
  /** Citizens registered (each applies for one benefit). */
  readonly citizens: number;
}

/** Start order: consumers first, so nothing they must see is published before they listen. */
export const SERVICE_NAMES = [
  'audit',
  'eligibility',
  'payments',
  'notifications',
  'benefits',
  'citizen-registry',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
