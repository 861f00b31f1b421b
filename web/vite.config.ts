import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The web app served by `populace serve`; `npm run build:web` writes it to web/dist.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true },
  logLevel: "warn",
});
