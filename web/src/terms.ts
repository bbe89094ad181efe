import { REGIONS, regionsInWords } from "@motif/sdk";

import { h } from "./ui.js";

/** The words of terms live in the SDK (the CLI and the demo say them too). */
export { productClassesInWords, regionsInWords, termsInWords } from "@motif/sdk";

/** The frozen region table as a world list, the regions of `mask` highlighted. */
export function worldList(mask: bigint, label = "Allowed regions"): HTMLElement {
  return h(
    "details",
    { class: "world" },
    h("summary", {}, `${label}: ${regionsInWords(mask)}`),
    h(
      "div",
      { class: "regions" },
      ...REGIONS.map((r) => h("span", { class: (mask >> BigInt(r.bit)) & 1n ? "region on" : "region", title: r.name }, r.alpha2)),
    ),
  );
}
