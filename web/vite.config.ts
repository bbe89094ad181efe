import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The web page: a static build (web/dist) that `npm start` serves with its /config.json.
// `@motif/sdk` resolves to the SDK's browser entry, so the page uses exactly the SDK's code.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  resolve: { alias: { "@motif/sdk": fileURLToPath(new URL("../sdk/src/index.ts", import.meta.url)) } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2048 },
  logLevel: "warn",
});
