import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { usageError } from "../../../cli/errors.js";
import {
  defined,
  memberFieldFlags,
  personFlags,
  personFromFlags,
  relationshipFlag,
} from "../../../cli/member-input.js";
import { parseDate, parseMemberId, readJsonFile } from "../../../cli/parse.js";
import { formatUsd } from "../../../cli/render/members.js";
import type { RouteInput } from "../../../contract/routes.js";

type Dependent = RouteInput<"dependentAdd">["body"]["dependent"];

export default class MemberDependentAdd extends BaseCommand {
  static override summary = "Add a dependent to a member's coverage";
  static override description =
    "From flags or --file dependent.json (the dependent object). Coverage starts on --effective: the first of a " +
    "month, or a newborn's date of birth. Children age out at 26 unless --disabled. The tier and premium change with it.";
  static override examples = [
    "printf '%s' \"$SSN\" | <%= config.bin %> member dependent add mbr_0a1b2c3d4e5f60718293a4b5 --relationship spouse --first-name Jo --last-name Reyes --dob 1990-08-01 --sex M --effective 2027-01-01 --ssn-stdin",
    "<%= config.bin %> member dependent add mbr_0a1b2c3d4e5f60718293a4b5 --relationship child --first-name Mia --last-name Reyes --dob 2026-11-10 --sex F --effective 2026-11-10",
  ];
  static override args = { memberId: Args.string({ description: "member ID (mbr_…)", required: true }) };
  static override flags = {
    file: Flags.string({ char: "f", description: "JSON file with the dependent", exclusive: ["first-name"] }),
    relationship: relationshipFlag,
    ...personFlags,
    disabled: Flags.boolean({ description: "a disabled adult child (does not age out at 26)" }),
    effective: Flags.string({ description: "coverage start (YYYY-MM-DD)", required: true }),
  };
  static override fieldFlags = memberFieldFlags;

  async run() {
    const { args, flags } = await this.parse(MemberDependentAdd);
    const memberId = parseMemberId("MEMBER_ID", args.memberId);
    let dependent: Dependent;
    if (flags.file) dependent = readJsonFile("--file", flags.file) as Dependent;
    else {
      const missing = (["relationship", "first-name", "last-name", "dob", "sex"] as const).filter(
        (f) => flags[f] === undefined,
      );
      if (missing.length)
        throw usageError(
          `missing ${missing.map((f) => `--${f}`).join(", ")}`,
          "or pass the dependent as --file dependent.json",
        );
      dependent = {
        ...defined(await personFromFlags(flags)),
        relationship: flags.relationship!,
        disabled: flags.disabled,
      } as Dependent;
    }
    const member = await this.session(flags)
      .client()
      .call("dependentAdd", {
        params: { memberId },
        body: { dependent, effectiveDate: parseDate("--effective", flags.effective) },
      });
    const added = member.dependents.at(-1);
    this.log(
      `Added ${added ? `${added.firstName} ${added.lastName} (${added.id})` : "the dependent"}: tier ${member.tier}, ${formatUsd(member.monthlyPremiumCents)} a month.`,
    );
    return member;
  }
}
