import { checkReportInBrowser } from "../src/report/index.ts";
const [html, png] = process.argv.slice(2);
const r = await checkReportInBrowser(html, { screenshot: png });
console.log(JSON.stringify({ plots: r.plots, slots: r.slots, errors: r.consoleErrors, text: (r as any).textProblems }));
