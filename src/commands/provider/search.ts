import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";

export default class ProviderSearch extends BaseCommand {
  static override summary = "Search the provider directory (primary care physicians for HMO plans)";
  static override examples = [
    "<%= config.bin %> provider search --zip 482 --plan HMO-500 --accepting",
    "<%= config.bin %> provider search --name kow --json",
  ];
  static override flags = {
    zip: Flags.string({ description: "ZIP code or its first 3+ digits" }),
    name: Flags.string({ description: "last-name prefix (any case)" }),
    plan: Flags.string({ description: "only providers in this plan's network, e.g. HMO-500" }),
    accepting: Flags.boolean({ description: "only providers accepting new patients" }),
    limit: Flags.integer({ description: "how many", default: 50, min: 1, max: 200 }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(ProviderSearch);
    const { providers } = await this.session(flags)
      .client()
      .call("providerSearch", {
        query: {
          zip: flags.zip,
          name: flags.name,
          plan: flags.plan,
          accepting: flags.accepting ? "true" : undefined,
          limit: flags.limit,
        },
      });
    await this.printList(
      providers,
      [
        { header: "npi", get: (p) => p.npi },
        { header: "name", get: (p) => `${p.lastName}, ${p.firstName}` },
        { header: "specialty", get: (p) => p.specialty },
        { header: "city", get: (p) => `${p.city}, ${p.state} ${p.zip}` },
        { header: "accepting", get: (p) => (p.acceptingNewPatients ? "yes" : "no") },
        { header: "plans", get: (p) => p.planCodes.join(" ") },
      ],
      { csv: flags.csv, empty: "No providers match." },
    );
    return providers;
  }
}
