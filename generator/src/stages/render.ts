import { type RenderOutput, render } from "../render/render.js";
import { defineStage } from "./stage.js";

/** Stage output: what the render is (digests, model, seed, params, size); the PNG bytes go under `png`, its pixels under `pixels`. */
export type RenderSummary = Omit<RenderOutput, "png" | "pixels">;

/**
 * Render stage (ONNX): the request's model and params, or its recipe's when it renders from a
 * cleared recipe. A bad request (unknown model, size or params out of range) is a RenderInputError.
 */
export const renderStage = defineStage({
  name: "render",
  needs: [],
  async run(ctx, { config }) {
    const r = ctx.request;
    const input = r.recipe !== undefined ? { ...r, model: r.recipe.recipe.model.name, params: r.recipe.recipe.params } : r;
    // the pixels kept for the fingerprint, which then needs no decode of the PNG
    const { png, pixels, ...rendered } = await render(input, { modelsDir: config.modelsDir, pixels: true });
    return { png, pixels, rendered };
  },
});
