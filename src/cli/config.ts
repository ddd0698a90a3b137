import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "./errors.js";

export const DEFAULT_API_URL = "http://127.0.0.1:4010";

export interface ProfileConfig {
  apiUrl?: string;
  username?: string;
}
interface ConfigFile {
  profiles: Record<string, ProfileConfig>;
}

/** `config.json` in the config dir: per-profile API URL and last username. Never secrets. */
export class ConfigStore {
  constructor(readonly dir: string) {}

  private get file() {
    return join(this.dir, "config.json");
  }

  read(): ConfigFile {
    try {
      const parsed = JSON.parse(readFileSync(this.file, "utf8")) as Partial<ConfigFile>;
      return { profiles: parsed.profiles ?? {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { profiles: {} };
      throw usageError(
        `the config file ${this.file} is not valid JSON`,
        "fix or delete it; it holds only profile settings",
      );
    }
  }

  profile(name: string): ProfileConfig {
    return this.read().profiles[name] ?? {};
  }

  /** Atomic write (temp file + rename) so a crash never leaves half a config. */
  updateProfile(name: string, patch: ProfileConfig): void {
    const config = this.read();
    config.profiles[name] = { ...config.profiles[name], ...patch };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

export type ApiUrlSource = "--api-url" | "HNCTL_API_URL" | "profile" | "default";

/** Checks a portal URL the user typed, naming where it came from so the fix is obvious. */
export function parseApiUrl(raw: string, source: ApiUrlSource): URL {
  let url: URL;
  try {
    // "localhost:4010" parses as a URL with the scheme "localhost:"; insist on scheme://host.
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw new Error("no scheme");
    url = new URL(raw);
  } catch {
    throw usageError(`${source} is not a valid URL: "${raw}"`, `use a full URL such as ${DEFAULT_API_URL}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(
      `${source} must be an http:// or https:// URL, not ${url.protocol}`,
      `e.g. ${DEFAULT_API_URL}`,
    );
  }
  if (url.username || url.password) {
    throw usageError(
      `${source} must not contain a username or password`,
      "sign in with `hnctl login` instead",
    );
  }
  return url;
}

/** Flag beats environment beats profile beats the default (the local reference portal). */
export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv, profile: ProfileConfig) {
  const [raw, source]: [string, ApiUrlSource] = flag
    ? [flag, "--api-url"]
    : env.HNCTL_API_URL
      ? [env.HNCTL_API_URL, "HNCTL_API_URL"]
      : profile.apiUrl
        ? [profile.apiUrl, "profile"]
        : [DEFAULT_API_URL, "default"];
  return { url: parseApiUrl(raw, source), source };
}

/** The keychain account of a profile on a portal: `<profile>@<host[:port]>`. */
export function credentialAccount(profile: string, apiUrl: URL): string {
  return `${profile}@${apiUrl.host}`;
}
