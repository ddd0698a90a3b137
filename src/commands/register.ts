import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../cli/base-command.js";
import { obtainPassword } from "../cli/prompt.js";

export default class Register extends BaseCommand {
  static override summary = "Register your account with the registration key from your e-mail";
  static override description =
    "Checks the group number, the policyholder ID (shorter IDs are padded: 1234 → 000001234) and the single-use " +
    "key, then sets your username and password. The password is asked twice without echo, or read from stdin " +
    "with --password-stdin; it must be at least 15 characters (a passphrase of several words works well).";
  static override examples = [
    "<%= config.bin %> register --group-number G1000001 --policyholder-id 1234 --key K7QP-3MZD-9WXA-TR4E --username acme-admin",
    "printf '%s' \"$NEW_PASSWORD\" | <%= config.bin %> register --group-number G1000001 --policyholder-id 1234 --key K7QP-3MZD-9WXA-TR4E --username acme-admin --password-stdin",
  ];
  static override flags = {
    "group-number": Flags.string({
      description: "your employer's group number, e.g. G1000001",
      required: true,
    }),
    "policyholder-id": Flags.string({
      description: "your employer's policyholder ID (1-9 digits)",
      required: true,
    }),
    key: Flags.string({ description: "the registration key from the e-mail", required: true }),
    username: Flags.string({ char: "u", description: "the username you choose", required: true }),
    "password-stdin": Flags.boolean({ description: "read the new password from standard input" }),
  };

  async run() {
    const { flags } = await this.parse(Register);
    const session = this.session(flags);
    const password = await obtainPassword({
      passwordStdin: flags["password-stdin"],
      confirm: true,
      message: "Choose a password (15+ characters)",
    });
    const result = await session.anonymousClient().call("register", {
      body: {
        groupNumber: flags["group-number"],
        policyholderId: flags["policyholder-id"],
        key: flags.key,
        username: flags.username,
        password,
      },
    });
    session.config.updateProfile(session.profile, {
      username: result.username,
      ...(session.apiUrlSource === "--api-url" ? { apiUrl: session.apiUrl.href } : {}),
    });
    this.note(
      `Registered ${result.username} (${result.role}) on ${session.apiUrl.origin}. Next: hnctl login --username ${result.username}`,
    );
    return result;
  }
}
