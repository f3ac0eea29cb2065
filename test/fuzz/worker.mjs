// A fuzz worker thread: loads the case runner (TypeScript, through Vite's module runner, as vitest
// runs the tests) and answers { job, args } with { outcome: await module[job](...args) }. Plain JavaScript so it starts
// the same under vitest and under `npm run fuzz`; the pool terminates it on a hang. The runner
// stays open: the code under test imports modules lazily (the executor, the draft provider).
import { parentPort, workerData } from 'node:worker_threads';
import { createServer, createServerModuleRunner } from 'vite';

const server = await createServer({
  configFile: false, logLevel: 'error', appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
const module = await runner.import(workerData.entry);
parentPort.on('message', async ({ job, args }) => {
  parentPort.postMessage({ outcome: await module[job](...args) });
});
parentPort.postMessage({ ready: true });
