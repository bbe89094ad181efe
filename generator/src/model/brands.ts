import type { BrandSpec } from "./cppn.js";

/** The shipped "brand" models (stand-ins for fine-tuned models), one ONNX file each in generator/models/. */
export const BRANDS: readonly BrandSpec[] = [
  {
    name: "indigo",
    version: "1.0.0",
    weightSeed: 0x1d160,
    palette: [
      [16, 30, 68],
      [33, 64, 125],
      [92, 128, 188],
      [214, 222, 235],
      [245, 240, 225],
    ],
  },
  {
    name: "madder",
    version: "1.0.0",
    weightSeed: 0x3add3,
    palette: [
      [110, 20, 30],
      [176, 48, 42],
      [221, 120, 80],
      [240, 200, 160],
      [60, 40, 36],
    ],
  },
  {
    name: "weld",
    version: "1.0.0",
    weightSeed: 0x3e1d,
    palette: [
      [232, 196, 60],
      [190, 160, 40],
      [120, 140, 60],
      [60, 90, 50],
      [250, 245, 220],
    ],
  },
];
