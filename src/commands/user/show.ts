import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { renderUser } from "../../cli/render/users.js";

export default class UserShow extends BaseCommand {
  static override summary = "Show a user (yourself by default)";
  static override examples = [
    "<%= config.bin %> user show",
    "<%= config.bin %> user show usr_3f9a1c2b4d5e6f708192a3b4 --json",
  ];
  static override args = { userId: Args.string({ description: "user ID, or `me`", default: "me" }) };

  async run() {
    const { args, flags } = await this.parse(UserShow);
    const user = await this.session(flags)
      .client()
      .call("userShow", { params: { userId: args.userId } });
    this.log(renderUser(user));
    return user;
  }
}
