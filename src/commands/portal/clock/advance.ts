import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../../cli/base-command.js";
import { sandboxOnly } from "../../../cli/sandbox.js";

export default class PortalClockAdvance extends BaseCommand {
  static override summary =
    "Move the sandbox portal's clock forward and run what fell due (billing, payments, reports)";
  static override examples = [
    "<%= config.bin %> portal clock advance 31d",
    "<%= config.bin %> portal clock advance 12h --json",
  ];
  static override args = {
    duration: Args.string({ description: "how far: a number and m, h, d or w (e.g. 31d)", required: true }),
  };

  async run() {
    const { args, flags } = await this.parse(PortalClockAdvance);
    const session = this.session(flags);
    const state = await sandboxOnly(session, () =>
      session.anonymousClient().call("clockAdvance", { body: { by: args.duration } }),
    );
    this.log(`The portal's clock now reads ${state.now}`);
    return state;
  }
}
