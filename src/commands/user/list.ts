import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { userColumns } from "../../cli/render/users.js";

export default class UserList extends BaseCommand {
  static override summary = "List the users you manage (everyone, for administrators)";
  static override examples = [
    "<%= config.bin %> user list",
    "<%= config.bin %> user list --csv > users.csv",
    "<%= config.bin %> user list --json",
  ];
  static override flags = { ...listFlags };

  async run() {
    const { flags } = await this.parse(UserList);
    const { users } = await this.session(flags).client().call("userList");
    await this.printList(users, userColumns, { csv: flags.csv, empty: "No users." });
    return users;
  }
}
