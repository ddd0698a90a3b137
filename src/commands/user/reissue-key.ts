import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";

export default class UserReissueKey extends BaseCommand {
  static override summary =
    "E-mail a new registration key to a user who has not registered (older keys stop working)";
  static override examples = ["<%= config.bin %> user reissue-key usr_3f9a1c2b4d5e6f708192a3b4"];
  static override args = { userId: Args.string({ description: "user ID", required: true }) };

  async run() {
    const { args, flags } = await this.parse(UserReissueKey);
    const issued = await this.session(flags)
      .client()
      .call("userReissueKey", { params: { userId: args.userId } });
    this.note(`A new registration key was e-mailed to ${issued.email}; it expires ${issued.expiresAt}.`);
    return issued;
  }
}
