import { BaseCommand } from "../../../cli/base-command.js";
import { sandboxOnly } from "../../../cli/sandbox.js";

export default class PortalClockShow extends BaseCommand {
  static override summary = "Show the sandbox portal's clock";
  static override examples = [
    "<%= config.bin %> portal clock show",
    "<%= config.bin %> portal clock show --json",
  ];

  async run() {
    const { flags } = await this.parse(PortalClockShow);
    const session = this.session(flags);
    const state = await sandboxOnly(session, () => session.anonymousClient().call("clockShow"));
    this.log(`${state.now} (${Math.round(state.offsetMs / 86_400_000)} days ahead of real time)`);
    return state;
  }
}
