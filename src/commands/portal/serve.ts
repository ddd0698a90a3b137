import { join } from "node:path";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";

export default class PortalServe extends BaseCommand {
  static override summary = "Run the reference portal (HTTP API + SQLite) on this machine";
  static override description =
    "The reference portal implements the insurer's API and rules. With --demo it seeds the demo employer " +
    "(Acme Manufacturing, policyholder 000001234, groups G1000001 and G1000002) and turns on the sandbox " +
    "endpoints (outbox, clock). It prints `Portal listening on URL` when ready and stops cleanly on SIGINT/SIGTERM.";
  static override examples = [
    "<%= config.bin %> portal serve --demo --db ./portal.db",
    "<%= config.bin %> portal serve --port 0 --sandbox --db /tmp/rehearsal.db",
    "<%= config.bin %> portal serve --db /var/lib/hnctl/portal.db --smtp-url smtp://mail.example.com:587",
  ];
  static override flags = {
    port: Flags.integer({ description: "TCP port (0 picks a free one)", default: 4010, min: 0, max: 65535 }),
    host: Flags.string({ description: "address to listen on", default: "127.0.0.1" }),
    db: Flags.string({
      description: "SQLite database file (created and migrated if needed) [default: <data dir>/portal.db]",
    }),
    demo: Flags.boolean({
      description: "seed the demo employer (idempotent) and enable the sandbox endpoints",
    }),
    sandbox: Flags.boolean({ description: "enable the sandbox endpoints (outbox, clock) without seeding" }),
    "smtp-url": Flags.string({ description: "send e-mail through this SMTP server instead of the outbox" }),
    "mail-from": Flags.string({ description: "From address for e-mail sent by SMTP" }),
    "log-level": Flags.option({
      options: ["fatal", "error", "warn", "info", "debug"] as const,
      default: "info" as const,
    })({
      description: "request log level (logs go to stderr; never bodies, tokens or SSNs)",
    }),
  };

  async run(): Promise<{ url: string; registrationKeys: string[] }> {
    const { flags } = await this.parse(PortalServe);
    const dbFile = flags.db ?? join(process.env.HNCTL_CONFIG_DIR || this.config.dataDir, "portal.db");
    if (flags["smtp-url"] && !/^smtps?:\/\//.test(flags["smtp-url"])) {
      throw usageError(
        "--smtp-url must start with smtp:// or smtps://",
        "e.g. smtp://user:pass@mail.example.com:587",
      );
    }
    const { mkdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    mkdirSync(dirname(dbFile), { recursive: true });
    const { startPortal } = await import("../../portal/server.js");
    const portal = await startPortal({
      dbFile,
      port: flags.port,
      host: flags.host,
      demo: flags.demo,
      sandbox: flags.sandbox,
      smtpUrl: flags["smtp-url"],
      mailFrom: flags["mail-from"],
      version: this.config.version,
      logger: { level: flags["log-level"], stream: process.stderr },
      checkpointInBackground: true,
    });
    const started = { url: portal.url, registrationKeys: portal.registrationKeys };
    if (this.jsonEnabled()) {
      process.stdout.write(JSON.stringify(started) + "\n");
    } else {
      this.log(`Portal listening on ${portal.url}`);
      for (const key of portal.registrationKeys)
        this.log(`Registration key for the primary administrator: ${key}`);
    }
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        this.note(`${signal} received: finishing in-flight requests and closing the database`);
        void portal.close().then(resolve);
      };
      // A second Ctrl-C quits at once; a repeated SIGTERM (a supervisor signalling the whole process group
      // while bin/run.js passes its own on) does not cut the shutdown short.
      process.once("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
    // Already printed at start; returning nothing keeps --json output to that one line.
    return undefined as unknown as typeof started;
  }
}
