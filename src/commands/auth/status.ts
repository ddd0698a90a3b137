import { BaseCommand } from "../../cli/base-command.js";
import { CliError, ExitCode } from "../../cli/errors.js";
import { renderFields } from "../../cli/output.js";

export default class AuthStatus extends BaseCommand {
  static override summary = "Show where the credentials come from, who they belong to, and when they expire";
  static override description =
    "Exits 0 when the credentials work, 4 when there are none or the portal refuses them. HNCTL_TOKEN beats " +
    "stored credentials.";
  static override examples = [
    "<%= config.bin %> auth status",
    "HNCTL_TOKEN=hnt_… <%= config.bin %> auth status --json",
  ];

  async run() {
    const { flags } = await this.parse(AuthStatus);
    const session = this.session(flags);
    const stored = session.envToken ? null : await session.storedCredentials();
    if (!session.envToken && !stored) throw session.notLoggedIn();
    let me;
    try {
      me = await session.client().call("whoami");
    } catch (err) {
      const cli = this.toCliError(err);
      if (cli.exitCode !== ExitCode.auth) throw err;
      throw new CliError(
        `the credentials from the ${session.credentialSource} were refused: ${cli.message}`,
        ExitCode.auth,
        cli.code,
        cli.hint,
      );
    }
    const fresh = session.envToken ? null : await session.storedCredentials();
    const status = {
      profile: session.profile,
      apiUrl: session.apiUrl.origin,
      apiUrlSource: session.apiUrlSource,
      credentialSource: session.credentialSource,
      username: me.user.username,
      role: me.user.role,
      employer: me.employer.name,
      credential: me.credential,
      features: me.features,
      scope: me.scope,
      ...(fresh
        ? {
            accessTokenExpiresAt: fresh.accessTokenExpiresAt,
            refreshTokenExpiresAt: fresh.refreshTokenExpiresAt,
          }
        : {}),
    };
    this.log(
      renderFields([
        ["Portal", `${status.apiUrl} (from ${status.apiUrlSource})`],
        ["Profile", status.profile],
        ["Credentials", status.credentialSource],
        ["User", `${status.username} (${status.role}, ${status.employer})`],
        ...(me.credential.kind === "api_token"
          ? ([["API token", `${me.credential.name}, expires ${me.credential.expiresAt}`]] as [
              string,
              unknown,
            ][])
          : ([
              ["Access token", `valid until ${fresh?.accessTokenExpiresAt} (refreshed automatically)`],
              ["Session", `until ${fresh?.refreshTokenExpiresAt}`],
            ] as [string, unknown][])),
        ["Features", status.features],
        [
          "Scope",
          me.scope.employerWide
            ? "the whole employer"
            : [...me.scope.groups, ...me.scope.locations.map((l) => `location ${l}`)],
        ],
      ]),
    );
    return status;
  }
}
