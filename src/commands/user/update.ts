import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";
import { grantFlags } from "../../cli/flags.js";
import { renderUser } from "../../cli/render/users.js";

export default class UserUpdate extends BaseCommand {
  static override summary =
    "Change a user's name, e-mail or phone (your own too), or their features and scope";
  static override description =
    "Anyone may edit their own profile (use `me`). Features and scope are changed by the user's manager, never by " +
    "the user; --feature, --group and --location replace the current list.";
  static override examples = [
    "<%= config.bin %> user update me --phone '+1 313 555 0100'",
    "<%= config.bin %> user update usr_3f9a1c2b4d5e6f708192a3b4 --feature enrollment.view --feature billing.view",
    "<%= config.bin %> user update usr_3f9a1c2b4d5e6f708192a3b4 --group G1000001 --location DET",
  ];
  static override args = { userId: Args.string({ description: "user ID, or `me`", required: true }) };
  static override flags = {
    name: Flags.string({ description: "full name" }),
    email: Flags.string({ description: "e-mail address" }),
    phone: Flags.string({ description: "phone number ('' to clear)" }),
    ...grantFlags,
  };

  async run() {
    const { args, flags } = await this.parse(UserUpdate);
    const body = {
      name: flags.name,
      email: flags.email,
      phone: flags.phone === undefined ? undefined : flags.phone || null,
      features: flags.feature,
      groups: flags.group ?? (flags.location ? [] : undefined),
      locations: flags.location ?? (flags.group ? [] : undefined),
    };
    if (Object.values(body).every((v) => v === undefined))
      throw usageError(
        "nothing to change",
        "pass at least one of --name, --email, --phone, --feature, --group, --location",
      );
    const user = await this.session(flags)
      .client()
      .call("userUpdate", { params: { userId: args.userId }, body });
    this.log(renderUser(user));
    return user;
  }
}
