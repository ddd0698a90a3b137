import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";
import { onOff } from "../../cli/flags.js";
import { renderFields } from "../../cli/output.js";

export default class BillPreferences extends BaseCommand {
  static override summary =
    "Show or change a group's billing: paper bills, e-mailed bills and their recipients";
  static override description =
    "With e-mailed bills on, each new invoice is e-mailed to the recipients with the printable bill attached. " +
    "Without change flags, shows the preferences. --email-to replaces the list of recipients.";
  static override examples = [
    "<%= config.bin %> bill preferences",
    "<%= config.bin %> bill preferences --group G1000001 --email on --email-to ap@acme.example --paper off",
  ];
  static override flags = {
    group: Flags.string({ description: "the group (needed when you see several)" }),
    paper: onOff("paper bills by mail"),
    email: onOff("e-mailed bills with the PDF attached"),
    "email-to": Flags.string({ description: "a recipient of e-mailed bills (repeatable)", multiple: true }),
  };

  async run() {
    const { flags } = await this.parse(BillPreferences);
    const client = this.session(flags).client();
    let group = flags.group;
    if (!group) {
      const { groups } = await client.call("groupList");
      if (groups.length !== 1)
        throw usageError(
          `--group is required: you see ${groups.length} groups (${groups.map((g) => g.groupNumber).join(", ")})`,
        );
      group = groups[0]!.groupNumber;
    }
    const params = { groupNumber: group };
    const change = {
      ...(flags.paper ? { paperBilling: flags.paper === "on" } : {}),
      ...(flags.email ? { emailBilling: flags.email === "on" } : {}),
      ...(flags["email-to"] ? { emailTo: flags["email-to"] } : {}),
    };
    const prefs = Object.keys(change).length
      ? await client.call("billingPreferencesUpdate", { params, body: change })
      : await client.call("billingPreferencesShow", { params });
    this.log(
      renderFields([
        ["Group", prefs.groupNumber],
        ["Paper bills", prefs.paperBilling ? "on" : "off"],
        ["E-mailed bills", prefs.emailBilling ? "on" : "off"],
        ["E-mail to", prefs.emailTo.join(", ") || "-"],
      ]),
    );
    return prefs;
  }
}
