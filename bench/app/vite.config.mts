// Builds the bench page (page/) with the frontend's own toolchain: run.sh links
// bench/app/node_modules to frontend/node_modules, so the page and the frontend sources it
// imports share one copy of React, React Flow and Vite. Same target as the app's build.
// `@frontend` is the frontend's src: BENCH_FRONTEND_SRC (run.sh points it at a copy of the
// committed one), else the working tree's.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: `${here}page`,
  base: "./",
  plugins: [react()],
  resolve: { alias: { "@frontend": process.env.BENCH_FRONTEND_SRC || `${here}../../frontend/src` } },
  clearScreen: false,
  logLevel: "warn",
  build: {
    target: "safari15",
    outDir: `${here}dist`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
});
