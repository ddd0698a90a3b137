import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { renderFields } from "../../cli/output.js";
import { sandboxOnly } from "../../cli/sandbox.js";
import type { OutboxMessage } from "../../contract/sandbox.js";

export default class PortalOutbox extends BaseCommand {
  static override summary = "Show e-mails the portal wrote to its outbox (sandbox portals only)";
  static override examples = [
    "<%= config.bin %> portal outbox --last",
    "<%= config.bin %> portal outbox --last --json   # {to, subject, body, sentAt}",
    "<%= config.bin %> portal outbox --to hr-admin@acme.example --csv",
  ];
  static override flags = {
    to: Flags.string({ description: "only messages to this address" }),
    last: Flags.boolean({ description: "only the newest message, with its body" }),
    limit: Flags.integer({ description: "how many messages", default: 50, min: 1, max: 500 }),
    ...listFlags,
  };

  async run(): Promise<OutboxMessage | OutboxMessage[]> {
    const { flags } = await this.parse(PortalOutbox);
    const session = this.session(flags);
    const { messages } = await sandboxOnly(session, () =>
      session.anonymousClient().call("outbox", {
        query: { to: flags.to, last: flags.last ? "true" : undefined, limit: flags.limit },
      }),
    );
    if (flags.last) {
      const [message] = messages;
      if (!message) {
        this.note("The outbox is empty.");
        return undefined as unknown as OutboxMessage;
      }
      this.log(
        renderFields([
          ["To", message.to],
          ["Subject", message.subject],
          ["Sent", message.sentAt],
        ]) +
          "\n\n" +
          message.body,
      );
      return message;
    }
    const columns = [
      { header: "sentAt", get: (m: OutboxMessage) => m.sentAt },
      { header: "to", get: (m: OutboxMessage) => m.to },
      { header: "subject", get: (m: OutboxMessage) => m.subject },
    ];
    await this.printList(messages, columns, { csv: flags.csv, empty: "The outbox is empty." });
    return messages;
  }
}
