import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";

export default class UserEnable extends BaseCommand {
  static override summary = "Enable a disabled user (they sign in again; old tokens stay revoked)";
  static override examples = ["<%= config.bin %> user enable usr_3f9a1c2b4d5e6f708192a3b4"];
  static override args = { userId: Args.string({ description: "user ID", required: true }) };

  async run() {
    const { args, flags } = await this.parse(UserEnable);
    const user = await this.session(flags)
      .client()
      .call("userEnable", { params: { userId: args.userId } });
    this.note(`Enabled ${user.name} (${user.id}): ${user.status}.`);
    return user;
  }
}
