import { type PrintSpec, REPEAT_TYPES, type RepeatType, repeatOffset } from "@motif/sdk";

import { h } from "../ui.js";

/** Canvas pixels per tile pixel: from 1/64 (a 7,559-px tile about 118 px wide) to 8 (every pixel a block, to inspect a seam). */
const ZOOM = { min: 1 / 64, max: 8 };
/** The zoom slider's steps: log2 of the zoom in quarter stops. */
const STEPS_PER_STOP = 4;

export type RepeatPreview = {
  element: HTMLElement;
  /**
   * Shows another image of the same size as the tile (a colourway of the pattern): the layout, repeat
   * and zoom stay. The colourways section (`#colourways` in this element) is where a colourway picker
   * mounts and calls this.
   */
  setTile(image: CanvasImageSource & { width: number; height: number }): void;
};

/**
 * The pattern page's repeat preview: the tile laid out across a swatch as a mill would repeat it —
 * block, half-drop (each column dropped by ⌊height / 2⌋ px), brick (each row shifted by ⌊width / 2⌋
 * px) or mirror (neighbours reflected) — on a canvas, with the repeat and the zoom as controls (a
 * slider, − and +, the mouse wheel). The tile's top-left corner is the canvas's; at zoom 1 a canvas
 * pixel is a tile pixel, and above 1 pixels are drawn as blocks (no smoothing), so a seam can be
 * inspected. A print tile opens in its own repeat, with its physical scale in words.
 */
export function repeatPreview(image: CanvasImageSource & { width: number; height: number }, print: PrintSpec | undefined): RepeatPreview {
  let tile = image;
  const W = image.width;
  const H = image.height;
  const canvas = h("canvas", { id: "repeat-canvas", width: "768", height: "432", class: "swatch" });
  const repeatSelect = h("select", { name: "repeat" }, ...REPEAT_TYPES.map((r) => h("option", { value: r }, r)));
  repeatSelect.value = print?.repeat ?? "block";
  // opens with about three tiles across the swatch
  const initial = Math.min(ZOOM.max, Math.max(ZOOM.min, canvas.width / (3 * W)));
  const zoomInput = h("input", {
    name: "zoom",
    type: "range",
    min: String(Math.log2(ZOOM.min) * STEPS_PER_STOP),
    max: String(Math.log2(ZOOM.max) * STEPS_PER_STOP),
    step: "any",
    value: String(Math.log2(initial) * STEPS_PER_STOP),
  });
  const scale = h("span", { class: "muted", id: "repeat-scale" });
  const zoomOf = () => Math.min(ZOOM.max, Math.max(ZOOM.min, 2 ** (Number(zoomInput.value) / STEPS_PER_STOP)));
  const step = (stops: number) => {
    zoomInput.value = String(Math.round(Number(zoomInput.value) + stops * STEPS_PER_STOP));
    draw();
  };

  const draw = () => {
    const ctx = canvas.getContext("2d");
    if (ctx === null) return;
    const zoom = zoomOf();
    const repeat = repeatSelect.value as RepeatType;
    const { right, down, mirrored } = repeatOffset(repeat, W, H);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    // magnified: each tile pixel a block (a seam shows as it is); reduced: smoothed
    ctx.imageSmoothingEnabled = zoom < 1;
    ctx.setTransform(zoom, 0, 0, zoom, 0, 0);
    const cols = Math.ceil(canvas.width / zoom / W) + 1;
    const rows = Math.ceil(canvas.height / zoom / H) + 1;
    // tile (i, j) at i·right + j·down, the lattice of the repeat; the drop or shift wrapped so that
    // every visible cell is covered (one more row or column on the side it moves from)
    for (let i = 0; i < cols; i++) {
      for (let j = -1; j < rows; j++) {
        let x = i * right.x + j * down.x;
        let y = i * right.y + j * down.y;
        if (repeat === "half-drop") y -= Math.floor((i * right.y) / H) * H;
        if (repeat === "brick") x -= Math.floor((j * down.x) / W) * W;
        for (const dx of repeat === "brick" ? [-W, 0] : [0]) {
          const fx = mirrored && i % 2 === 1;
          const fy = mirrored && ((j % 2) + 2) % 2 === 1;
          ctx.save();
          ctx.translate(x + dx + (fx ? W : 0), y + (fy ? H : 0));
          ctx.scale(fx ? -1 : 1, fy ? -1 : 1);
          ctx.drawImage(tile, 0, 0);
          ctx.restore();
        }
      }
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    const pct = zoom >= 1 ? `${Math.round(zoom * 100)}%` : `${(zoom * 100).toPrecision(2)}%`;
    scale.textContent = print !== undefined
      ? `1 tile = ${print.sizeCm} cm (${W} px at ${print.dpi} DPI); shown at ${pct} of its pixels${repeat !== print.repeat ? ` — rendered for ${print.repeat}, so a ${repeat} repeat shows seams` : ""}`
      : `1 tile = ${W}×${H} px (no print size attested); shown at ${pct}${repeat === "half-drop" || repeat === "brick" ? " — rendered as a block, so this repeat may show seams" : ""}`;
    canvas.dataset.repeat = repeat;
    canvas.dataset.zoom = String(zoom);
    canvas.dataset.ready = "1";
  };

  repeatSelect.addEventListener("change", draw);
  zoomInput.addEventListener("input", draw);
  canvas.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      step(e.deltaY < 0 ? 0.25 : -0.25);
    },
    { passive: false },
  );
  const element = h(
    "section",
    { id: "repeat-preview" },
    h("h2", {}, "Repeat preview"),
    h(
      "div",
      { class: "repeat-controls" },
      h("label", {}, "Repeat ", repeatSelect),
      h("label", {}, " Zoom ", h("button", { type: "button", class: "zoom-out", onclick: () => step(-1) }, "−"), zoomInput, h("button", { type: "button", class: "zoom-in", onclick: () => step(1) }, "+")),
      " ",
      scale,
    ),
    canvas,
    // Colourways (issue 20, another change) mount here: a picker that calls `setTile` with the recoloured tile.
    h("div", { id: "colourways", class: "colourways", "data-slot": "colourways" }),
  );
  draw();
  return {
    element,
    setTile(next) {
      if (next.width !== W || next.height !== H) throw new Error(`a colourway must be the tile's size, ${W}×${H} px; got ${next.width}×${next.height}`);
      tile = next;
      draw();
    },
  };
}
