import { BaseCommand } from "../../../cli/base-command.js";
import { listFlags } from "../../../cli/flags.js";

export default class AuthTokenList extends BaseCommand {
  static override summary = "List your API tokens (names, features, expiry; never the values)";
  static override examples = [
    "<%= config.bin %> auth token list",
    "<%= config.bin %> auth token list --json",
  ];
  static override flags = { ...listFlags };

  async run() {
    const { flags } = await this.parse(AuthTokenList);
    const { tokens } = await this.session(flags).client().call("tokenList");
    await this.printList(
      tokens,
      [
        { header: "id", get: (t) => t.id },
        { header: "name", get: (t) => t.name },
        { header: "features", get: (t) => t.features.join(" ") },
        { header: "expiresAt", get: (t) => t.expiresAt },
        { header: "lastUsedAt", get: (t) => t.lastUsedAt ?? "never" },
        {
          header: "status",
          get: (t) =>
            t.revokedAt
              ? `revoked ${t.revokedAt}`
              : Date.parse(t.expiresAt) < Date.now()
                ? "expired"
                : "active",
        },
      ],
      { csv: flags.csv, empty: "No API tokens." },
    );
    return tokens;
  }
}
