import type { TokenPair } from "../contract/auth.js";
import { ApiError } from "../client/errors.js";
import { PortalClient, type TokenSource } from "../client/portal-client.js";
import { ConfigStore, credentialAccount, resolveApiUrl, type ApiUrlSource } from "./config.js";
import { credentialStoreFromEnv, type CredentialStore, type StoredCredentials } from "./credentials.js";
import { CliError, ExitCode } from "./errors.js";

export interface SessionOptions {
  profile: string;
  apiUrlFlag?: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  userAgent: string;
  warn: (message: string) => void;
  /** Tests inject an in-memory store. */
  store?: CredentialStore;
}

/** Refresh a little before the access token's expiry, so a request never races it. */
const EXPIRY_SKEW_MS = 30_000;

/**
 * One CLI invocation's view of "who am I talking to, as whom": profile, portal URL, where the token
 * comes from (HNCTL_TOKEN beats stored credentials), and a client that refreshes the session itself.
 */
export class CliSession {
  readonly profile: string;
  readonly apiUrl: URL;
  readonly apiUrlSource: ApiUrlSource;
  readonly config: ConfigStore;
  readonly account: string;
  #store?: CredentialStore;

  constructor(private readonly opts: SessionOptions) {
    this.profile = opts.profile;
    this.config = new ConfigStore(opts.configDir);
    const { url, source } = resolveApiUrl(opts.apiUrlFlag, opts.env, this.config.profile(opts.profile));
    this.apiUrl = url;
    this.apiUrlSource = source;
    this.account = credentialAccount(opts.profile, url);
    this.#store = opts.store;
  }

  /** Where config and local state (the payments journal) live. */
  get configDir(): string {
    return this.opts.configDir;
  }

  get envToken(): string | undefined {
    return this.opts.env.HNCTL_TOKEN?.trim() || undefined;
  }

  /** The credential store is only opened when needed: HNCTL_TOKEN users never touch the keychain. */
  get store(): CredentialStore {
    return (this.#store ??= credentialStoreFromEnv(this.opts.env, this.opts.configDir, this.opts.warn));
  }

  /** Where the token of this invocation comes from, in words. */
  get credentialSource(): string {
    return this.envToken ? "HNCTL_TOKEN environment variable" : this.store.description;
  }

  /** A client without credentials (register, login, health, sandbox). */
  anonymousClient(): PortalClient {
    return new PortalClient({
      baseUrl: this.apiUrl.href,
      userAgent: this.opts.userAgent,
      env: this.opts.env,
    });
  }

  /** A client that signs requests with HNCTL_TOKEN or the stored session, refreshing it when needed. */
  client(opts: { keepAlive?: boolean; timeoutMs?: number } = {}): PortalClient {
    return new PortalClient({
      baseUrl: this.apiUrl.href,
      userAgent: this.opts.userAgent,
      env: this.opts.env,
      tokens: this.tokenSource(),
      ...opts,
    });
  }

  async storedCredentials(): Promise<StoredCredentials | null> {
    return this.store.get(this.account);
  }

  async saveLogin(username: string, pair: TokenPair): Promise<void> {
    await this.store.set(this.account, {
      username,
      accessToken: pair.accessToken,
      accessTokenExpiresAt: pair.accessTokenExpiresAt,
      refreshToken: pair.refreshToken,
      refreshTokenExpiresAt: pair.refreshTokenExpiresAt,
    });
  }

  notLoggedIn(): CliError {
    return new CliError(
      `not logged in to ${this.apiUrl.origin} (profile "${this.profile}")`,
      ExitCode.auth,
      "not_logged_in",
      "run `hnctl login`, or set HNCTL_TOKEN to an API token",
    );
  }

  private tokenSource(): TokenSource {
    const envToken = this.envToken;
    if (envToken) return { token: async () => envToken };
    let current: StoredCredentials | null | undefined;
    const load = async () => {
      current ??= await this.storedCredentials();
      if (!current) throw this.notLoggedIn();
      return current;
    };
    const refresh = async (): Promise<boolean> => {
      const creds = await load();
      try {
        const pair = await this.anonymousClient().call("refresh", {
          body: { refreshToken: creds.refreshToken },
        });
        await this.saveLogin(creds.username, pair);
        current = await this.storedCredentials();
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          throw new CliError(
            `the session of ${creds.username} on ${this.apiUrl.origin} has expired or was signed out`,
            ExitCode.auth,
            "session_expired",
            "run `hnctl login` again",
          );
        }
        throw err;
      }
    };
    return {
      token: async () => {
        const creds = await load();
        if (Date.parse(creds.accessTokenExpiresAt) - EXPIRY_SKEW_MS <= Date.now()) await refresh();
        return current!.accessToken;
      },
      refreshAfterUnauthorized: refresh,
    };
  }
}
