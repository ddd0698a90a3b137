import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../cli/base-command.js";
import { usageError } from "../cli/errors.js";
import { canPrompt, obtainPassword, promptText } from "../cli/prompt.js";

export default class Login extends BaseCommand {
  static override summary = "Sign in and keep the tokens in the OS keychain";
  static override description =
    "Exchanges your username and password for a short-lived access token and a refresh token, stored in the OS " +
    "keychain (service `hnctl`, account `<profile>@<host>`). hnctl refreshes the access token by itself. " +
    "The password is asked without echo, or read from stdin with --password-stdin; never pass it as a flag.";
  static override examples = [
    "<%= config.bin %> login --username acme-admin",
    "printf '%s' \"$HNCTL_PASSWORD\" | <%= config.bin %> login --username acme-admin --password-stdin",
    "<%= config.bin %> login --profile staging --api-url https://portal.staging.example.com --username acme-admin",
  ];
  static override flags = {
    username: Flags.string({ char: "u", description: "your username [default: the profile's last one]" }),
    "password-stdin": Flags.boolean({ description: "read the password from standard input" }),
  };

  async run() {
    const { flags } = await this.parse(Login);
    const session = this.session(flags);
    const profile = session.config.profile(session.profile);
    const username =
      flags.username ?? profile.username ?? (canPrompt() ? await promptText("Username") : undefined);
    if (!username) throw usageError("no username given", "pass --username");
    // Open the credential store before signing in, so a missing keychain fails before a session exists.
    await session.storedCredentials();
    const password = await obtainPassword({
      passwordStdin: flags["password-stdin"],
      confirm: false,
      message: `Password for ${username}`,
    });
    const pair = await session.anonymousClient().call("login", { body: { username, password } });
    await session.saveLogin(username.toLowerCase(), pair);
    session.config.updateProfile(session.profile, {
      username: username.toLowerCase(),
      ...(session.apiUrlSource === "--api-url" ? { apiUrl: session.apiUrl.href } : {}),
    });
    this.note(
      `Logged in to ${session.apiUrl.origin} as ${username.toLowerCase()}; tokens are in the ${session.store.description}.`,
    );
    return {
      username: username.toLowerCase(),
      apiUrl: session.apiUrl.origin,
      profile: session.profile,
      credentialStore: session.store.description,
      accessTokenExpiresAt: pair.accessTokenExpiresAt,
      refreshTokenExpiresAt: pair.refreshTokenExpiresAt,
    };
  }
}
