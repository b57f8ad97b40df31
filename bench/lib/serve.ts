// The API alone in a process of its own, for benches that measure the server's memory apart from
// their own (bench/import.ts): prints its address as one JSON line on stdout, stops on SIGTERM.
import { loadConfig } from '../../api/src/config.ts';
import { startRuntime } from '../../api/src/runtime.ts';
import { listen } from './city.ts';

const runtime = await startRuntime({ ...loadConfig(), logLevel: 'warn' });
const server = await listen(runtime.app);
process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => runtime.close()).then(() => process.exit(0));
});
// BENCH_MEMLOG=1: the process's memory by kind every second, on stderr (where a peak comes from).
if (process.env.BENCH_MEMLOG) {
  const mb = (n: number) => Math.round(n / 2 ** 20);
  setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(`[mem] rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}\n`);
  }, 1000).unref();
}
