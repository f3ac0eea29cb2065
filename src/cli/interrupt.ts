// Ctrl-C: the first one cancels in-flight work and lets records settle; a second one quits at
// once (every write is atomic, so nothing is left half-written either way).
// `busy`: whether requests are in flight now (an idle watch has none, and just stops).
export function onInterrupt(controller: AbortController, busy: () => boolean = () => true): () => void {
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(busy() ? 'aivp: interrupting (cancelling in-flight requests; Ctrl-C again to quit now)\n' : 'aivp: stopping\n');
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
