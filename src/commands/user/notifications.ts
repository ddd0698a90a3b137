import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { onOff } from "../../cli/flags.js";
import { renderFields } from "../../cli/output.js";

export default class UserNotifications extends BaseCommand {
  static override summary = "Show or change e-mail notifications (yours, or a user's you manage)";
  static override examples = [
    "<%= config.bin %> user notifications",
    "<%= config.bin %> user notifications --report-ready on --bill-available off",
    "<%= config.bin %> user notifications usr_3f9a1c2b4d5e6f708192a3b4 --payment-status on --json",
  ];
  static override args = { userId: Args.string({ description: "user ID, or `me`", default: "me" }) };
  static override flags = {
    "report-ready": onOff("e-mail when a requested report is ready"),
    "bill-available": onOff("e-mail when a new invoice is issued"),
    "payment-status": onOff("e-mail when a payment settles or is returned"),
    "enrollment-changes": onOff("e-mail when enrollment changes are made in your scope"),
  };

  async run() {
    const { args, flags } = await this.parse(UserNotifications);
    const client = this.session(flags).client();
    const on = (v: "on" | "off" | undefined) => (v === undefined ? undefined : v === "on");
    const body = {
      reportReady: on(flags["report-ready"]),
      billAvailable: on(flags["bill-available"]),
      paymentStatus: on(flags["payment-status"]),
      enrollmentChanges: on(flags["enrollment-changes"]),
    };
    const changing = Object.values(body).some((v) => v !== undefined);
    const prefs = changing
      ? await client.call("notificationsUpdate", { params: { userId: args.userId }, body })
      : await client.call("notificationsShow", { params: { userId: args.userId } });
    const word = (b: boolean) => (b ? "on" : "off");
    this.log(
      renderFields([
        ["Report ready", word(prefs.reportReady)],
        ["Bill available", word(prefs.billAvailable)],
        ["Payment status", word(prefs.paymentStatus)],
        ["Enrollment changes", word(prefs.enrollmentChanges)],
      ]),
    );
    return prefs;
  }
}
