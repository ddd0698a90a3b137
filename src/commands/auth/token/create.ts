import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { usageError } from "../../../cli/errors.js";
import { grantFlags } from "../../../cli/flags.js";

/** `90d`, `12w` → days. */
function parseExpiry(text: string): number {
  const m = /^(\d{1,3})([dw])$/.exec(text.trim());
  if (!m) throw usageError(`--expires must be a number of days or weeks such as 90d or 12w, not "${text}"`);
  return Number(m[1]) * (m[2] === "w" ? 7 : 1);
}

export default class AuthTokenCreate extends BaseCommand {
  static override summary = "Create a named API token for automation (cron, CI); it is shown once";
  static override description =
    "The token carries the features you name (default: all of yours) and expires (default 90 days, at most 366). " +
    "Use it as HNCTL_TOKEN. Only a signed-in person can create tokens, never another token.";
  static override examples = [
    "<%= config.bin %> auth token create --name nightly-reports --feature reports.run --expires 90d",
    "<%= config.bin %> auth token create --name roster-sync --feature enrollment.view --feature enrollment.edit --json",
  ];
  static override flags = {
    name: Flags.string({ required: true, description: "a name you will recognise in `auth token list`" }),
    feature: grantFlags.feature,
    expires: Flags.string({ description: "lifetime in days or weeks", default: "90d" }),
  };

  async run() {
    const { flags } = await this.parse(AuthTokenCreate);
    const created = await this.session(flags)
      .client()
      .call("tokenCreate", {
        body: { name: flags.name, features: flags.feature, expiresInDays: parseExpiry(flags.expires) },
      });
    // The value goes to stdout alone (easy to capture); the explanation to stderr.
    this.log(created.token);
    this.note(
      `Token "${created.name}" (${created.id}) with ${created.features.join(", ") || "no features"}, expires ${created.expiresAt}. It is shown only now: store it in your secret store.`,
    );
    return {
      id: created.id,
      name: created.name,
      token: created.token,
      features: created.features,
      expiresAt: created.expiresAt,
    };
  }
}
