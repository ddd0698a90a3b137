import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, ExitCode, usageError } from "./errors.js";

/** What `hnctl login` keeps per profile and portal. */
export interface StoredCredentials {
  username: string;
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface CredentialStore {
  readonly kind: "keychain" | "file" | "memory";
  /** Where the secrets are, for `auth status`: "OS keychain (Secret Service)" or the file path. */
  readonly description: string;
  get(account: string): Promise<StoredCredentials | null>;
  set(account: string, credentials: StoredCredentials): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = "hnctl";

const keychainUnavailable = (reason: string) =>
  new CliError(
    `the OS keychain is not available: ${reason}`,
    ExitCode.error,
    "keychain_unavailable",
    "start your desktop keyring (on Linux a Secret Service such as gnome-keyring), or set HNCTL_CREDENTIAL_STORE=file " +
      "to keep tokens in a 0600 file, or set HNCTL_TOKEN to an API token",
  );

const platformName = () =>
  process.platform === "darwin"
    ? "macOS Keychain"
    : process.platform === "win32"
      ? "Windows Credential Manager"
      : "Secret Service";

/**
 * The OS keychain through @napi-rs/keyring. On Linux the Secret Service is required explicitly: the
 * library would otherwise fall back to the kernel keyring, which forgets everything at logout.
 */
export class KeychainStore implements CredentialStore {
  readonly kind = "keychain" as const;
  readonly description = `OS keychain (${platformName()})`;

  private async entry(account: string) {
    let mod: typeof import("@napi-rs/keyring");
    try {
      mod = await import("@napi-rs/keyring");
    } catch (err) {
      throw keychainUnavailable(
        `the keyring module could not load (${(err as Error).message.split("\n")[0]})`,
      );
    }
    return new mod.AsyncEntry(KEYCHAIN_SERVICE, account, { linux: { store: "secret-service" } });
  }

  private async attempt<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw keychainUnavailable(((err as Error).message || String(err)).split("\n")[0]!);
    }
  }

  async get(account: string) {
    const raw = await this.attempt(async () => (await this.entry(account)).getPassword());
    return raw ? parseStored(raw, this.description) : null;
  }
  async set(account: string, credentials: StoredCredentials) {
    await this.attempt(async () => (await this.entry(account)).setPassword(JSON.stringify(credentials)));
  }
  async delete(account: string) {
    return this.attempt(async () => (await this.entry(account)).deleteCredential());
  }
}

function parseStored(raw: string, where: string): StoredCredentials {
  try {
    return JSON.parse(raw) as StoredCredentials;
  } catch {
    throw new CliError(
      `the credentials in the ${where} are unreadable`,
      ExitCode.auth,
      "credentials_corrupt",
      "run `hnctl logout` then `hnctl login`",
    );
  }
}

/**
 * A plain JSON file (mode 0600) in the config dir, only when HNCTL_CREDENTIAL_STORE=file asks for it.
 * Every use warns on stderr: a file is readable by anything running as this user.
 */
export class FileStore implements CredentialStore {
  readonly kind = "file" as const;
  readonly description: string;
  constructor(
    private readonly dir: string,
    private readonly warn: (message: string) => void,
  ) {
    this.description = `file ${this.file}`;
  }
  private get file() {
    return join(this.dir, "credentials.json");
  }
  private readAll(): Record<string, StoredCredentials> {
    try {
      return JSON.parse(readFileSync(this.file, "utf8")) as Record<string, StoredCredentials>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw new CliError(
        `the credentials file ${this.file} is unreadable`,
        ExitCode.auth,
        "credentials_corrupt",
        "delete it and run `hnctl login`",
      );
    }
  }
  private writeAll(all: Record<string, StoredCredentials>) {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + "\n", { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
  async get(account: string) {
    return this.readAll()[account] ?? null;
  }
  async set(account: string, credentials: StoredCredentials) {
    this.warn(
      `warning: tokens are stored in a plain file (${this.file}, mode 0600) because HNCTL_CREDENTIAL_STORE=file`,
    );
    this.writeAll({ ...this.readAll(), [account]: credentials });
  }
  async delete(account: string) {
    const all = this.readAll();
    if (!(account in all)) return false;
    delete all[account];
    this.writeAll(all);
    return true;
  }
}

/** For unit tests. */
export class MemoryStore implements CredentialStore {
  readonly kind = "memory" as const;
  readonly description = "memory";
  readonly entries = new Map<string, StoredCredentials>();
  async get(account: string) {
    return this.entries.get(account) ?? null;
  }
  async set(account: string, credentials: StoredCredentials) {
    this.entries.set(account, credentials);
  }
  async delete(account: string) {
    return this.entries.delete(account);
  }
}

export function credentialStoreFromEnv(
  env: NodeJS.ProcessEnv,
  configDir: string,
  warn: (m: string) => void,
): CredentialStore {
  const choice = (env.HNCTL_CREDENTIAL_STORE ?? "keychain").toLowerCase();
  if (choice === "keychain") return new KeychainStore();
  if (choice === "file") return new FileStore(configDir, warn);
  throw usageError(
    `HNCTL_CREDENTIAL_STORE must be "keychain" or "file", not "${env.HNCTL_CREDENTIAL_STORE}"`,
  );
}
