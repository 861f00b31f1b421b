import { startMockLlm } from "./index.ts";
const m = await startMockLlm({ port: 47111, seed: 1 });
console.log(m.url);
process.on("SIGTERM", async () => { console.log(JSON.stringify(m.stats())); await m.close(); process.exit(0); });
