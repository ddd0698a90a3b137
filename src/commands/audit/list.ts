import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";

export default class AuditList extends BaseCommand {
  static override summary =
    "The audit log: who did what, when, to which object, through which token (administrators)";
  static override examples = [
    "<%= config.bin %> audit list --since 2026-11-01",
    "<%= config.bin %> audit list --actor gail --csv > audit.csv",
    "<%= config.bin %> audit list --member mbr_0a1b2c3d4e5f60718293a4b5 --json",
  ];
  static override flags = {
    since: Flags.string({ description: "from this day (YYYY-MM-DD, UTC)" }),
    until: Flags.string({ description: "to this day, inclusive (YYYY-MM-DD, UTC)" }),
    actor: Flags.string({ description: "username or user ID" }),
    member: Flags.string({ description: "member ID" }),
    action: Flags.string({ description: "an action, e.g. user.disabled" }),
    limit: Flags.integer({ description: "how many events (newest first)", default: 100, min: 1, max: 1000 }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(AuditList);
    const { events } = await this.session(flags)
      .client()
      .call("auditList", {
        query: {
          since: flags.since,
          until: flags.until,
          actor: flags.actor,
          member: flags.member,
          action: flags.action,
          limit: flags.limit,
        },
      });
    await this.printList(
      events,
      [
        { header: "at", get: (e) => e.at },
        { header: "actor", get: (e) => e.actor?.username ?? e.actor?.userId ?? "" },
        { header: "token", get: (e) => e.apiToken?.name ?? "" },
        { header: "action", get: (e) => e.action },
        { header: "object", get: (e) => (e.objectId ? `${e.objectType} ${e.objectId}` : "") },
      ],
      { csv: flags.csv, empty: "No audit events match." },
    );
    return events;
  }
}
