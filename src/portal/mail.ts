import type { Db } from "./db/index.js";
import type { Clock } from "./clock.js";
import { newId } from "./ids.js";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  readonly transport: "outbox" | "smtp";
  send(message: MailMessage): Promise<void>;
}

/** Default: every message goes to the outbox table, which `hnctl portal outbox` reads (sandbox). */
export class OutboxMailer implements Mailer {
  readonly transport = "outbox" as const;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}
  async send(message: MailMessage): Promise<void> {
    await this.db
      .insertInto("outbox")
      .values({
        id: newId("msg"),
        to_addr: message.to,
        subject: message.subject,
        body: message.text,
        attachments: message.attachments?.length
          ? JSON.stringify(message.attachments.map((a) => ({ filename: a.filename, size: a.content.length })))
          : null,
        sent_at: this.clock.now().toISOString(),
        transport: "outbox",
      })
      .execute();
  }
}

/**
 * With --smtp-url the message is really sent. The outbox keeps only a record that it went (no body:
 * bodies carry registration keys and the outbox is not a place to keep secrets in production).
 */
export class SmtpMailer implements Mailer {
  readonly transport = "smtp" as const;
  #transporter: Promise<{ sendMail(m: object): Promise<unknown>; close(): void }> | undefined;
  constructor(
    private readonly smtpUrl: string,
    private readonly from: string,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}
  private transporter() {
    this.#transporter ??= import("nodemailer").then((m) => m.default.createTransport(this.smtpUrl));
    return this.#transporter;
  }
  async send(message: MailMessage): Promise<void> {
    const transporter = await this.transporter();
    await transporter.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      attachments: message.attachments,
    });
    await this.db
      .insertInto("outbox")
      .values({
        id: newId("msg"),
        to_addr: message.to,
        subject: message.subject,
        body: "[sent by SMTP; the body is not kept]",
        attachments: null,
        sent_at: this.clock.now().toISOString(),
        transport: "smtp",
      })
      .execute();
  }
  async close(): Promise<void> {
    if (this.#transporter) (await this.#transporter).close();
  }
}
