import type { Db } from "./db/index.js";
import type { Clock } from "./clock.js";
import type { Mailer } from "./mail.js";
import type { PiiVault } from "./pii.js";

/** What every service gets: the database, the clock, the mailer and the PII vault. No globals. */
export interface PortalContext {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  /** Encrypts SSNs at rest and hashes them for exact search. */
  pii: PiiVault;
  settings: PortalSettings;
  /** Where report files live (`<db>.reports/`, mode 0700), and the database file the report worker reads. */
  files: { reportsDir: string; dbFile: string };
}

export interface PortalSettings {
  /** --demo or --sandbox: sandbox endpoints (outbox, clock) exist and the clock can move. */
  sandbox: boolean;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  registrationKeyTtlMs: number;
  /** Consecutive failed logins before the account locks, and for how long. */
  maxFailedLogins: number;
  lockoutMs: number;
}

export const defaultSettings: PortalSettings = {
  sandbox: false,
  accessTokenTtlMs: 15 * 60_000,
  refreshTokenTtlMs: 30 * 86_400_000,
  registrationKeyTtlMs: 14 * 86_400_000,
  maxFailedLogins: 5,
  lockoutMs: 15 * 60_000,
};
