import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";

export default class LocationList extends BaseCommand {
  static override summary = "List the employer's locations (work sites) you may act on";
  static override examples = ["<%= config.bin %> location list", "<%= config.bin %> location list --csv"];
  static override flags = { ...listFlags };

  async run() {
    const { flags } = await this.parse(LocationList);
    const { locations } = await this.session(flags).client().call("locationList");
    await this.printList(
      locations,
      [
        { header: "code", get: (l) => l.code },
        { header: "name", get: (l) => l.name },
        { header: "city", get: (l) => `${l.city}, ${l.state}` },
      ],
      { csv: flags.csv, empty: "No locations in your scope." },
    );
    return locations;
  }
}
