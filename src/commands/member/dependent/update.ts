import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { usageError } from "../../../cli/errors.js";
import { defined, memberFieldFlags, personFlags } from "../../../cli/member-input.js";
import { parseAddress, parseMemberId, parsePersonId, readSsnFromStdin } from "../../../cli/parse.js";

export default class MemberDependentUpdate extends BaseCommand {
  static override summary =
    "Change a dependent's name, contact details, address, disability or (for a newborn) SSN";
  static override examples = [
    "<%= config.bin %> member dependent update mbr_0a1b2c3d4e5f60718293a4b5 per_7c8d9e0f1a2b3c4d5e6f7a8b --last-name Reyes",
    "printf '%s' \"$SSN\" | <%= config.bin %> member dependent update mbr_0a1b2c3d4e5f60718293a4b5 per_7c8d9e0f1a2b3c4d5e6f7a8b --ssn-stdin",
  ];
  static override args = {
    memberId: Args.string({ description: "member ID (mbr_…)", required: true }),
    personId: Args.string({ description: "the dependent's person ID (per_…)", required: true }),
  };
  static override flags = {
    "first-name": personFlags["first-name"],
    "middle-name": personFlags["middle-name"],
    "last-name": personFlags["last-name"],
    "marital-status": personFlags["marital-status"],
    email: personFlags.email,
    phone: personFlags.phone,
    address: personFlags.address,
    "same-address": Flags.boolean({
      description: "live at the subscriber's address",
      exclusive: ["address"],
    }),
    disabled: Flags.boolean({
      description: "a disabled adult child (--no-disabled to clear)",
      allowNo: true,
    }),
    "ssn-stdin": personFlags["ssn-stdin"],
  };
  static override fieldFlags = memberFieldFlags;

  async run() {
    const { args, flags } = await this.parse(MemberDependentUpdate);
    const memberId = parseMemberId("MEMBER_ID", args.memberId);
    const personId = parsePersonId("PERSON_ID", args.personId);
    const changes = defined({
      firstName: flags["first-name"],
      middleName: flags["middle-name"],
      lastName: flags["last-name"],
      maritalStatus: flags["marital-status"],
      email: flags.email,
      phone: flags.phone,
      address: flags["same-address"]
        ? null
        : flags.address === undefined
          ? undefined
          : parseAddress("--address", flags.address),
      disabled: flags.disabled,
      ssn: flags["ssn-stdin"] ? await readSsnFromStdin() : undefined,
    });
    if (!Object.keys(changes).length) throw usageError("nothing to change", "see --help");
    const client = this.session(flags).client();
    const { version } = await client.call("memberGet", { params: { memberId } });
    const member = await client.call("dependentUpdate", {
      params: { memberId, personId },
      body: { version, ...changes },
    });
    this.note(`Updated ${personId}.`);
    return member;
  }
}
