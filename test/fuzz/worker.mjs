// A fuzz worker process: loads the case runner named by its argument (TypeScript, through Vite's
// module runner, as vitest runs the tests) and answers { job, args } with
// { outcome: await module[job](...args) }. Plain JavaScript so it starts the same under vitest and
// under `npm run fuzz`; the pool kills it on a hang. The runner stays open: the code under test
// imports modules lazily (the executor, the draft provider).
import { createServer, createServerModuleRunner } from 'vite';

const server = await createServer({
  configFile: false, logLevel: 'error', appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
const module = await runner.import(process.argv[2]);
process.on('message', async ({ job, args }) => {
  process.send({ outcome: await module[job](...args) });
});
// The pool gone (its run ended or died), nothing is left to answer.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
