import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../../cli/base-command.js";

export default class AuthTokenRevoke extends BaseCommand {
  static override summary = "Revoke one of your API tokens (it stops working at once)";
  static override examples = ["<%= config.bin %> auth token revoke tok_5b7c9d1e3f5a7b9c1d3e5f7a"];
  static override args = {
    id: Args.string({ description: "token ID (see `auth token list`)", required: true }),
  };

  async run() {
    const { args, flags } = await this.parse(AuthTokenRevoke);
    const token = await this.session(flags)
      .client()
      .call("tokenRevoke", { params: { tokenId: args.id } });
    this.note(`Revoked "${token.name}" (${token.id}).`);
    return token;
  }
}
