import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Tauri serves the built files itself; the dev server is only for `tauri dev`.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
  envPrefix: ["VITE_", "TAURI_ENV_*"],
  // WebKitGTK 2.50 is at least as capable as Safari 15.
  build: { target: "safari15", chunkSizeWarningLimit: 2500 },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
