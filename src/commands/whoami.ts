import { BaseCommand } from "../cli/base-command.js";
import { renderFields } from "../cli/output.js";

export default class Whoami extends BaseCommand {
  static override summary = "Show who you are signed in as: user, role, employer, features and scope";
  static override examples = ["<%= config.bin %> whoami", "<%= config.bin %> whoami --json"];

  async run() {
    const { flags } = await this.parse(Whoami);
    const me = await this.session(flags).client().call("whoami");
    this.log(
      renderFields([
        ["User", `${me.user.username} (${me.user.name}, ${me.user.email})`],
        ["Role", me.user.role],
        ["Employer", `${me.employer.name}, policyholder ${me.employer.policyholderId}`],
        ["Groups", me.employer.groupNumbers],
        ["Features", me.features],
        [
          "Scope",
          me.scope.employerWide
            ? "the whole employer"
            : [...me.scope.groups, ...me.scope.locations.map((l) => `location ${l}`)],
        ],
      ]),
    );
    return me;
  }
}
