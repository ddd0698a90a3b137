import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { confirmDestructive } from "../../cli/confirm.js";
import { yesFlag } from "../../cli/flags.js";

export default class UserDisable extends BaseCommand {
  static override summary = "Disable a user: their sessions and API tokens stop working at once";
  static override examples = [
    "<%= config.bin %> user disable usr_3f9a1c2b4d5e6f708192a3b4",
    "<%= config.bin %> user disable usr_3f9a1c2b4d5e6f708192a3b4 --yes",
  ];
  static override args = { userId: Args.string({ description: "user ID", required: true }) };
  static override flags = { ...yesFlag };

  async run() {
    const { args, flags } = await this.parse(UserDisable);
    const client = this.session(flags).client();
    const target = await client.call("userShow", { params: { userId: args.userId } });
    await confirmDestructive({
      yes: flags.yes,
      action: `Disable ${target.name} <${target.email}>`,
      typeBack: target.id,
    });
    const user = await client.call("userDisable", { params: { userId: target.id } });
    this.note(`Disabled ${user.name} (${user.id}); their sessions and API tokens no longer work.`);
    return user;
  }
}
