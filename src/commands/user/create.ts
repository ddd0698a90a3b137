import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { grantFlags } from "../../cli/flags.js";
import { renderUser } from "../../cli/render/users.js";

export default class UserCreate extends BaseCommand {
  static override summary = "Create a secondary administrator, group administrator or delegate";
  static override description =
    "The new user gets an e-mail with a registration key and registers with `hnctl register`, as the primary " +
    "administrator did. Group administrators and delegates need a scope (--group and/or --location); delegates get " +
    "at most your own features and scope.";
  static override examples = [
    "<%= config.bin %> user create --role secondary-admin --name 'Sam Rivera' --email sam.rivera@acme.example",
    "<%= config.bin %> user create --role group-admin --name 'Gail Ortiz' --email gail.ortiz@acme.example --group G1000001 --feature enrollment.view --feature enrollment.edit --feature users.manage",
    "<%= config.bin %> user create --role delegate --name 'Benefits TPA' --email ops@tpa.example --location DET --feature enrollment.view",
  ];
  static override flags = {
    role: Flags.option({ options: ["secondary-admin", "group-admin", "delegate"] as const })({
      required: true,
      description: "the new user's role",
    }),
    name: Flags.string({ required: true, description: "full name" }),
    email: Flags.string({ required: true, description: "e-mail address (the registration key goes there)" }),
    phone: Flags.string({ description: "phone number" }),
    ...grantFlags,
  };

  async run() {
    const { flags } = await this.parse(UserCreate);
    const user = await this.session(flags)
      .client()
      .call("userCreate", {
        body: {
          role: flags.role,
          name: flags.name,
          email: flags.email,
          phone: flags.phone,
          features: flags.feature ?? [],
          groups: flags.group ?? [],
          locations: flags.location ?? [],
        },
      });
    this.log(renderUser(user));
    this.note(`Created ${user.id}; a registration key was e-mailed to ${user.email}.`);
    return user;
  }
}
