import { defineConfig } from "vitest/config";

// The app is served from the API's origin (the local stack, or CloudFront in
// production), so every request is same-origin and relative.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
  },
  server: {
    host: "127.0.0.1",
    // `npm run dev` against a running `make run`: API calls go to the local stack.
    proxy: {
      "^/(auth|config|me|pools|prices|alerts|webhook-events|openapi.json)": "http://127.0.0.1:8000",
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
