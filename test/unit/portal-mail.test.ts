import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { testPortal, type TestPortal } from "../helpers/portal.js";

let portal: TestPortal | undefined;
let smtp: SMTPServer | undefined;
afterEach(async () => {
  await portal?.dispose();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

describe("e-mail", () => {
  it("without --smtp-url, messages go to the outbox table", async () => {
    portal = await testPortal();
    const rows = await portal.ctx.db.selectFrom("outbox").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ to_addr: "hr-admin@acme.example", transport: "outbox" });
  });

  it("with --smtp-url, messages are really sent by SMTP and the outbox keeps no body", async () => {
    const received: { to: string[]; data: string }[] = [];
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, done) {
        let data = "";
        stream.on("data", (c) => (data += c));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp!.listen(0, "127.0.0.1", r));
    const port = (smtp.server.address() as { port: number }).port;
    portal = await testPortal({
      smtpUrl: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
      mailFrom: "portal@insurer.example",
    });
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(["hr-admin@acme.example"]);
    expect(received[0]!.data).toContain(portal.registrationKeys[0]);
    const rows = await portal.ctx.db.selectFrom("outbox").selectAll().execute();
    expect(rows[0]).toMatchObject({ transport: "smtp", body: "[sent by SMTP; the body is not kept]" });
  });
});
