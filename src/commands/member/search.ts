import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { parseMemberId, readSsnFromStdin } from "../../cli/parse.js";
import { memberColumns } from "../../cli/render/members.js";
import { MEMBER_STATUSES } from "../../contract/enums.js";

export default class MemberSearch extends BaseCommand {
  static override summary = "Find members by ID, exact SSN, name prefix, status, group, subgroup or location";
  static override description =
    "Name is a case-insensitive prefix of a last name, or `Last, First-prefix`; it matches subscribers and " +
    "dependents. SSNs are shown masked. Pass the SSN as `--ssn -` to read it from stdin: an SSN typed in a command " +
    "line is visible to other users of the machine. Results come a page at a time: --cursor continues, --all reads every page.";
  static override examples = [
    "<%= config.bin %> member search --name ben",
    "<%= config.bin %> member search --status active --group G1000001 --location DET --csv > det.csv",
    "printf '%s' \"$SSN\" | <%= config.bin %> member search --ssn -",
    "<%= config.bin %> member search --name c --limit 10 --cursor <nextCursor from the previous page>",
  ];
  static override flags = {
    "member-id": Flags.string({ description: "a member ID (mbr_…)" }),
    ssn: Flags.string({ description: "exact SSN of the subscriber or a dependent; `-` reads it from stdin" }),
    name: Flags.string({ description: "last-name prefix, or 'Last, First'" }),
    status: Flags.option({ options: MEMBER_STATUSES })({ description: "enrollment status" }),
    group: Flags.string({ description: "group number, e.g. G1000001" }),
    subgroup: Flags.string({ description: "subgroup code, e.g. SAL" }),
    location: Flags.string({ description: "location code, e.g. DET" }),
    limit: Flags.integer({ description: "members per page", default: 50, min: 1, max: 200 }),
    cursor: Flags.string({ description: "continue after the previous page (its nextCursor)" }),
    all: Flags.boolean({ description: "read every page", exclusive: ["cursor"] }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(MemberSearch);
    let ssn = flags.ssn;
    if (ssn === "-") ssn = await readSsnFromStdin();
    else if (ssn)
      this.note(
        "warning: an SSN in a command line is visible to other users of this machine (ps, shell history); prefer `--ssn -` with the SSN on stdin",
      );
    const client = this.session(flags).client();
    const filters = {
      memberId: flags["member-id"] ? parseMemberId("--member-id", flags["member-id"]) : undefined,
      ssn,
      name: flags.name,
      status: flags.status,
      groupNumber: flags.group,
      subgroup: flags.subgroup,
      location: flags.location,
      limit: flags.limit,
    };
    const members = [];
    let cursor = flags.cursor;
    let nextCursor: string | null;
    do {
      const page = await client.call("memberSearch", { body: { ...filters, cursor } });
      members.push(...page.members);
      nextCursor = page.nextCursor;
      cursor = nextCursor ?? undefined;
    } while (flags.all && nextCursor);
    await this.printList(members, memberColumns, { csv: flags.csv, empty: "No members match." });
    if (nextCursor && !flags.all) this.note(`More results: add --cursor ${nextCursor} (or --all)`);
    return { members, nextCursor };
  }
}
