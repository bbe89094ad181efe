import type { RerenderRequest } from "@motif/sdk";

import { render } from "./render.js";

/**
 * An auditor's re-render (`verifyCertificate`'s `rerender`): the lineage's model weights, seed,
 * params, size, print spec and colourway, rendered here; the PNG bytes.
 */
export async function rerender(r: RerenderRequest): Promise<Uint8Array> {
  const input = { model: r.model, seed: r.seed, params: r.params, width: r.width, height: r.height, ...(r.print !== undefined ? { print: r.print } : {}), ...(r.colourway !== undefined ? { colourway: r.colourway } : {}) };
  return (await render(input, { modelBytes: r.weights, ...(r.card !== undefined ? { card: r.card } : {}) })).png;
}
